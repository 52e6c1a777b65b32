import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { judgeExecute } from "./prepared-statements";

beforeAll(() => loadClassifier());

const one = (sql: string) => classifySql(sql).statements[0];

describe("judgeExecute", () => {
  it("judges EXECUTE by what was prepared", () => {
    const prepare = one("prepare wipe as delete from orders");
    const e = judgeExecute(one("execute wipe"), prepare.prepares!.statement);
    expect(e).toMatchObject({ sql: "execute wipe", kind: "write", flags: ["write_without_where", "sql_execute"], relations: [{ name: "orders", access: "write" }] });
    expect(e.fingerprint).toBe(one("delete from orders").fingerprint);
  });

  it("judges EXECUTE of a statement prepared with the protocol's Parse by that statement", () => {
    expect(judgeExecute(one("execute x"), one("drop table orders"))).toMatchObject({ kind: "ddl", flags: ["drop", "sql_execute"] });
  });

  it("keeps flags raised by EXECUTE's own parameters", () => {
    const prepare = one("prepare q(text) as select $1");
    expect(judgeExecute(one("execute q(pg_read_file('/etc/passwd'))"), prepare.prepares!.statement).flags).toEqual(["dangerous_function", "sql_execute"]);
  });
});
