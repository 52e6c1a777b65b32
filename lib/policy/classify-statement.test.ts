import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";

beforeAll(() => loadClassifier());

const kinds = (sql: string) => classifySql(sql).statements.map((s) => s.kind);

describe("classifySql", () => {
  it("splits a query string into its statements, by byte offsets", () => {
    const c = classifySql("select 'é' as x; insert into s.t(a) values (1);  delete from u");
    expect(c.isParsed).toBe(true);
    expect(c.statements.map((s) => s.sql)).toEqual(["select 'é' as x", "insert into s.t(a) values (1)", "delete from u"]);
  });

  it("gives each statement a kind", () => {
    expect(kinds("select 1")).toEqual(["read"]);
    expect(kinds("update t set a = 1")).toEqual(["write"]);
    expect(kinds("with x as (delete from u returning *) select * from x")).toEqual(["write"]);
    expect(kinds("create table t (a int); alter table t add b int; drop table t")).toEqual(["ddl", "ddl", "ddl"]);
    expect(kinds("grant select on t to bob; create role r")).toEqual(["dcl", "dcl"]);
    expect(kinds("begin; commit; rollback")).toEqual(["transaction", "transaction", "transaction"]);
    expect(kinds("set search_path = x; show work_mem")).toEqual(["session", "read"]);
    expect(kinds("do $$ begin end $$; call p()")).toEqual(["procedural", "procedural"]);
    expect(kinds("vacuum t; alter system set work_mem = '1MB'")).toEqual(["admin", "admin"]);
    expect(kinds("copy t from stdin; copy t to stdout; truncate t")).toEqual(["write", "read", "write"]);
    expect(kinds("explain select 1; explain analyze delete from t")).toEqual(["read", "write"]);
    expect(kinds("select * into t2 from t")).toEqual(["ddl"]);
  });

  it("names the relations read and written, without CTE names", () => {
    const [s] = classifySql("with x as (select * from a.src) insert into dst select * from x join other on true").statements;
    expect(s.relations).toEqual(
      expect.arrayContaining([
        { schema: null, name: "dst", access: "write" },
        { schema: "a", name: "src", access: "read" },
        { schema: null, name: "other", access: "read" },
      ]),
    );
    expect(s.relations).toHaveLength(3);
    expect(classifySql("truncate a, b").statements[0].relations.map((r) => `${r.name}:${r.access}`)).toEqual(["a:write", "b:write"]);
  });

  it("reports text it cannot parse as one unclassified statement", () => {
    const c = classifySql("selec 1 from t");
    expect(c.isParsed).toBe(false);
    expect(c.statements).toEqual([expect.objectContaining({ kind: "unknown", sql: "selec 1 from t" })]);
    if (!c.isParsed) expect(c.error).toMatch(/syntax error/);
  });

  it("does not parse text over the size limit", () => {
    const c = classifySql(`select '${"x".repeat(200)}'`, { maxBytes: 100 });
    expect(c.isParsed).toBe(false);
  });

  it("fingerprints statements that differ only in constants alike", () => {
    const a = classifySql("select * from t where id = 1").statements[0].fingerprint;
    const b = classifySql("select * from t where id = 2").statements[0].fingerprint;
    expect(a).toBeTruthy();
    expect(a).toBe(b);
  });

  it("has no statements for an empty query", () => {
    expect(classifySql("  ").statements).toEqual([]);
    expect(classifySql("-- nothing").statements).toEqual([]);
  });
});
