import { fingerprintSync } from "libpg-query";
import { beforeAll, describe, expect, it } from "vitest";
import { classifierCounts, classifySql, classifySqlUncached, loadClassifier } from "./classify-statement";
import { literalVariants } from "./testing/literal-variants";

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

describe("classifySql's cache by statement shape", () => {
  const one = (sql: string) => classifySql(sql).statements[0];

  it("parses a shape once, whatever its literals", () => {
    const before = classifierCounts();
    for (const aid of [101, 202, 303]) classifySql(`select abalance from pgbench_accounts where aid = ${aid} and 'shape-test' = 'shape-test'`);
    const after = classifierCounts();
    expect(after.parses - before.parses).toBe(1);
    expect(after.shapeHits - before.shapeHits).toBe(2);
  });

  it("parses a text whose literals matter once per text", () => {
    const before = classifierCounts();
    for (const name of ["a", "b", "a"]) classifySql(`select set_config('application_name', '${name}', false), 'count-test'`);
    const after = classifierCounts();
    expect(after.parses - before.parses).toBe(2);
    expect(after.textHits - before.textHits).toBe(1);
  });

  it("returns each text's own SQL and libpg-query's fingerprint for it", () => {
    for (const aid of [1, 22, 333, 4444]) {
      const sql = `SELECT abalance FROM pgbench_accounts WHERE aid = ${aid};`;
      const s = one(sql);
      expect(s.sql).toBe(`SELECT abalance FROM pgbench_accounts WHERE aid = ${aid}`);
      expect(s.fingerprint).toBe(fingerprintSync(s.sql));
      expect(s).toEqual(classifySqlUncached(sql).statements[0]);
    }
  });

  it("cuts each statement of a multi-statement text out of that text", () => {
    classifySql("begin; update t set v = v + 1 where id = 10; commit;");
    const c = classifySql("begin; update t set v = v + 250 where id = 7; commit;");
    expect(c.statements.map((s) => s.sql)).toEqual(["begin", "update t set v = v + 250 where id = 7", "commit"]);
    expect(c).toEqual(classifySqlUncached("begin; update t set v = v + 250 where id = 7; commit;"));
  });

  it("does not share a classification between texts whose literals change it", () => {
    expect(one("select set_config('application_name', 'x', false)").flags).toEqual([]);
    expect(one("select set_config('role', 'x', false)").flags).toEqual(["set_role"]);
    expect(one("select set_config('session_authorization', 'x', false)").flags).toEqual(["set_session_authorization"]);
    expect(one("select query_to_xml('select 1', true, false, '')").flags).toEqual([]);
    expect(one("select query_to_xml('select pg_read_file(''/etc/passwd'')', true, false, '')").flags).toEqual(["dangerous_function"]);
    expect(one("explain (analyze 0) delete from t").kind).toBe("read");
    expect(one("explain (analyze 1) delete from t").kind).toBe("write");
  });

  it("classifies texts of one shape alike when their literals do not matter", () => {
    expect(one("delete from t where 1 = 1").flags).toEqual(["write_without_where"]);
    expect(one("delete from t where 1 = 2").flags).toEqual(["write_without_where"]);
    expect(one("set role 'alice'")).toMatchObject({ sql: "set role 'alice'", flags: ["set_role"] });
    expect(one("set role 'bob'")).toMatchObject({ sql: "set role 'bob'", flags: ["set_role"] });
  });

  it.each([
    "SELECT abalance FROM pgbench_accounts WHERE aid = 12345;",
    "UPDATE pgbench_accounts SET abalance = abalance + -4321 WHERE aid = 99;",
    "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 2, 3, -4, CURRENT_TIMESTAMP);",
    "select 'a'::text, e'b\\n', $$c$$, - 5, -'6', 1.5e3, b'101', x'ff', interval '1' day, date 'today'",
    "select current_time(3), '{1}'::int[3], '1'::varchar(10), '1'::numeric(10, 2)",
    "fetch 5 from c",
    "commit prepared 'tx1'",
    "execute p(1, 'a')",
    "call p(1, 'a')",
    "set statement_timeout = 5000; set application_name = 'app'",
    "select set_config('role', 'x', false); select 1",
    "explain (analyze 1) delete from t where id = 5",
    "do $$ begin perform pg_read_file('x'); end $$",
    "create function f() returns int language sql as 'select 1'",
    "copy t from program 'cat /etc/passwd'",
    "prepare p as delete from t where id = 1",
    "select 'é' || 'ü', 1 from t where a = 'x'; select '😀', 2",
    "values (1, 'a'), (2, 'b')",
  ])("agrees with an uncached classification for every literal of %s", (sql) => {
    expect(classifySql(sql)).toEqual(classifySqlUncached(sql));
    for (const variant of literalVariants(sql)) expect(classifySql(variant), variant).toEqual(classifySqlUncached(variant));
  });

  it("refuses a text over the limit by its length, without parsing it", () => {
    const huge = `select '${"x".repeat(50 * 1024 * 1024)}'`;
    const c = classifySql(huge);
    expect(c.isParsed).toBe(false);
    expect(c.statements[0].flags).toEqual(["oversized"]);
    if (!c.isParsed) expect(c.error).toMatch(/over the classifier's limit of 1048576 bytes/);
  });

  it("counts bytes, not characters, under the limit", () => {
    const c = classifySql(`select '${"é".repeat(60)}'`, { maxBytes: 100 });
    expect(c.isParsed).toBe(false);
    if (!c.isParsed) expect(c.error).toMatch(/of 129 bytes/);
  });
});
