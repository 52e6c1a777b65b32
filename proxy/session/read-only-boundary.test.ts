import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "@/lib/policy/classify-statement";
import { ReadOnlyBoundary } from "./read-only-boundary";

beforeAll(() => loadClassifier());

const refused = (b: ReadOnlyBoundary, block: number, sql: string) => b.refusalsFor(block, classifySql(sql).statements).map((r) => (r ? r.sqlState : null));

describe("ReadOnlyBoundary", () => {
  it("refuses what follows a transaction's end when something ran before it in the block", () => {
    const b = new ReadOnlyBoundary();
    expect(refused(b, 0, "select f(); commit; select g(); select 1")).toEqual([null, null, "25006", "25006"]);
    expect(refused(b, 1, "select f(); rollback; begin; select g()")).toEqual([null, null, "25006", "25006"]);
    expect(refused(b, 2, "select f(); end; select g()")).toEqual([null, null, "25006"]);
  });

  it("lets a block begin with COMMIT or ROLLBACK, and end with one", () => {
    const b = new ReadOnlyBoundary();
    expect(refused(b, 0, "commit; select g()")).toEqual([null, null]);
    expect(refused(b, 1, "rollback; begin read only; select g(); commit")).toEqual([null, null, null, null]);
    expect(refused(b, 2, "select 1; savepoint a; select 2; rollback to savepoint a; select 3")).toEqual([null, null, null, null, null]);
  });

  it("counts statements of one block across calls (Executes before Sync), and starts again at the next block", () => {
    const b = new ReadOnlyBoundary();
    expect(refused(b, 5, "select f()")).toEqual([null]);
    expect(refused(b, 5, "commit")).toEqual([null]);
    expect(refused(b, 5, "select g()")).toEqual(["25006"]);
    expect(refused(b, 6, "select g()")).toEqual([null]);
  });
});
