import { describe, expect, it } from "vitest";
import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import { StatementNamespace, type PreparedStatement } from "./statement-namespace";

const statement = (name: string, sql: string): PreparedStatement => ({
  name,
  sql,
  classification: { sql, kind: "read", command: "SelectStmt", relations: [], fingerprint: null, flags: [] } as ClassifiedStatement,
  parseError: null,
  paramTypes: [],
  columns: null,
});
const define = (ns: StatementNamespace, name: string, sql: string) => ns.propose({ space: "statement", kind: "define", name, value: statement(name, sql) });
const sqlOf = (ns: StatementNamespace, name: string) => {
  const found = ns.lookupStatement(name);
  return found.kind === "found" ? found.value.sql : found.kind;
};

describe("StatementNamespace", () => {
  it("believes a definition once the server confirms it, and keeps the old one when a re-definition fails", () => {
    const ns = new StatementNamespace({ maxStatements: 10, maxPortals: 10 });
    define(ns, "s", "delete from t").settle(true);
    ns.endBlock();
    define(ns, "s", "select 1").settle(false);
    ns.endBlock();
    expect(sqlOf(ns, "s")).toBe("delete from t");
  });

  it("resolves through a pending change of the same block (its failure skips the lookup's message too)", () => {
    const ns = new StatementNamespace({ maxStatements: 10, maxPortals: 10 });
    define(ns, "s", "delete from t").settle(true);
    ns.endBlock();
    define(ns, "s", "select 1");
    expect(sqlOf(ns, "s")).toBe("select 1");
  });

  it("is uncertain about a pending change of an earlier block, and resolves once the server answered", async () => {
    const ns = new StatementNamespace({ maxStatements: 10, maxPortals: 10 });
    define(ns, "s", "delete from t").settle(true);
    ns.endBlock();
    const redefine = define(ns, "s", "select 1");
    ns.endBlock(); // Sync: a failure of the re-Parse would not stop a later Bind
    const found = ns.lookupStatement("s");
    expect(found.kind).toBe("uncertain");
    let settled = false;
    if (found.kind === "uncertain") void found.settled.then(() => (settled = true));
    redefine.settle(false);
    await Promise.resolve();
    expect(settled).toBe(true);
    expect(sqlOf(ns, "s")).toBe("delete from t");
  });

  it("drops by name and all at once, only when confirmed", () => {
    const ns = new StatementNamespace({ maxStatements: 10, maxPortals: 10 });
    define(ns, "a", "select 1").settle(true);
    define(ns, "b", "select 2").settle(true);
    ns.endBlock();
    ns.propose({ space: "statement", kind: "drop", name: "a" }).settle(true);
    expect(sqlOf(ns, "a")).toBe("missing");
    ns.endBlock();
    ns.propose({ space: "statement", kind: "drop", name: null }).settle(false);
    expect(sqlOf(ns, "b")).toBe("select 2");
    ns.propose({ space: "statement", kind: "drop", name: null }).settle(true);
    expect(sqlOf(ns, "b")).toBe("missing");
  });

  it("never forgets: past the cap, new names have no room while known names and the unnamed statement do", () => {
    const ns = new StatementNamespace({ maxStatements: 2, maxPortals: 2 });
    define(ns, "a", "select 1").settle(true);
    define(ns, "b", "select 2");
    expect(ns.hasRoomFor("statement", "c")).toBe(false);
    expect(ns.hasRoomFor("statement", "a")).toBe(true);
    expect(ns.hasRoomFor("statement", "")).toBe(true);
    expect(sqlOf(ns, "a")).toBe("select 1");
  });

  it("treats changes skipped by the server (answered out of turn) as not applied", () => {
    const ns = new StatementNamespace({ maxStatements: 10, maxPortals: 10 });
    define(ns, "a", "select 1");
    const later = define(ns, "b", "select 2");
    later.settle(true);
    ns.endBlock();
    expect(sqlOf(ns, "a")).toBe("missing");
    expect(sqlOf(ns, "b")).toBe("select 2");
  });
});
