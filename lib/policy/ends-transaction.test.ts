import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { endsTransaction } from "./ends-transaction";

beforeAll(() => loadClassifier());

const ends = (sql: string) => classifySql(sql).statements.map(endsTransaction);

describe("endsTransaction", () => {
  it("is true for the statements after which the server starts a new transaction", () => {
    for (const sql of ["commit", "COMMIT AND CHAIN", "end", "end work", "rollback", "abort", "rollback and chain", "prepare transaction 'x'", "commit prepared 'x'", "rollback prepared 'x'"]) {
      expect(ends(sql), sql).toEqual([true]);
    }
  });

  it("is false for the others", () => {
    for (const sql of ["begin", "begin read only", "start transaction", "savepoint a", "release savepoint a", "rollback to savepoint a", "rollback to a", "select 1", "set transaction read only", "delete from t"]) {
      expect(ends(sql), sql).toEqual([false]);
    }
  });

  it("reads each statement of a query string", () => {
    expect(ends("select f(); commit; select g()")).toEqual([false, true, false]);
  });
});
