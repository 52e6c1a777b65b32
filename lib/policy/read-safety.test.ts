import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { mergeExecuteReadSafety, type ReadSafety } from "./read-safety";

beforeAll(() => loadClassifier());

function safetyOf(sql: string): ReadSafety {
  const c = classifySql(sql);
  expect(c.isParsed, sql).toBe(true);
  expect(c.statements, sql).toHaveLength(1);
  return c.statements[0].readSafety!;
}

const names = (list: { schema: string | null; name: string }[]) => list.map((n) => (n.schema ? `${n.schema}.${n.name}` : n.name)).sort();

describe("analyzeReadSafety: what can never start before its record", () => {
  it.each([
    ["a DELETE hidden in a CTE inside a subquery", "select * from (with d as (delete from t returning *) select * from d) x"],
    ["a data-modifying CTE", "with d as (update t set a = 1 returning *) select * from d"],
    ["an INSERT in a nested CTE", "select (with i as (insert into t values (1) returning 1) select 1 from i)"],
    ["FOR UPDATE", "select 1 from t for update"],
    ["FOR SHARE in a subquery", "select * from (select * from t for share) x"],
    ["FOR NO KEY UPDATE", "select * from t for no key update"],
    ["FOR KEY SHARE in a CTE", "with x as (select * from t for key share) select * from x"],
    ["SELECT INTO", "select into t2 from t"],
    ["SELECT * INTO", "select * into t2 from t"],
    ["nextval", "select nextval('s')"],
    ["setval, schema-qualified", "select pg_catalog.setval('s', 1)"],
    ["currval in a WHERE", "select * from t where id = currval('s')"],
    ["lastval", "select lastval()"],
    ["a write", "delete from t"],
    ["an EXPLAIN ANALYZE", "explain analyze select 1"],
    ["a plain EXPLAIN (not a plain read either)", "explain select 1"],
    ["a SET", "set work_mem = '1MB'"],
    ["a CALL", "call p()"],
    ["DECLARE CURSOR", "declare c cursor for select 1"],
    ["FETCH (runs a cursor's query)", "fetch 1 from c"],
    ["COPY TO STDOUT", "copy t to stdout"],
    ["a DO block", "do $$ begin end $$"],
  ])("is not a candidate: %s", (_why, sql) => {
    const s = safetyOf(sql);
    expect(s.isCandidate).toBe(false);
    expect(s.reason).toBeTruthy();
  });

  it.each([
    ["select 1"],
    ["select * from t where id = 5"],
    ["values (1), (2)"],
    ["table t"],
    ["show work_mem"],
    ["select 1 union all select 2 except select 3"],
    ["with x as (select * from t) select * from x"],
    ["select count(*) filter (where a > 0) over (partition by b) from t"],
  ])("is a candidate: %s", (sql) => {
    expect(safetyOf(sql)).toMatchObject({ isCandidate: true, reason: null });
  });

  it("lists every function called, wherever it is", () => {
    const s = safetyOf(
      "with c as (select f1() as a) select f2(x.a), (select f3()), sum(y) filter (where f4(y)) over (order by f5(z)) " +
        "from c x, lateral (select g()) l, s.tf() t(y my_t) where exists (select 1 from u where f6(u.v)) order by f7(1)",
    );
    expect(s.isCandidate).toBe(true);
    expect(names(s.functions)).toEqual(["f1", "f2", "f3", "f4", "f5", "f6", "f7", "g", "s.tf", "sum"]);
    expect(names(s.types)).toEqual(["my_t"]);
  });

  it("names functions the grammar calls for SQL syntax by their pg_catalog names", () => {
    expect(names(safetyOf("select extract(year from now()), substring('abc' from 2), 'a' at time zone 'utc'").functions)).toEqual([
      "now",
      "pg_catalog.extract",
      "pg_catalog.substring",
      "pg_catalog.timezone",
    ]);
  });

  it("lists the operators a statement names, and the comparisons BETWEEN runs", () => {
    const s = safetyOf("select 1 ### 2, a OPERATOR(myschema.+) b, c between 1 and 2, d in (1, 2), e like 'x', f = any(select 1) from t order by g using <");
    expect(names(s.operators)).toEqual(["###", "<", "<=", "=", ">=", "myschema.+", "~~"]);
    // 1 +++ 2 is 1 + (+(+2)): the scanner takes + off the end of an operator name.
    expect(names(safetyOf("select 1 +++ 2").operators)).toEqual(["+"]);
  });

  it("lists cast target types as the parser resolves them", () => {
    const s = safetyOf("select '1'::my_type, cast(1 as int), x::text, '{1}'::public.t2[], date '2020-01-01' from t");
    expect(names(s.types)).toEqual(["date", "my_type", "pg_catalog.int4", "public.t2", "text"]);
  });

  it("lists relations, with CTE names kept apart", () => {
    const s = safetyOf("with v as (select 1) select * from v, s.w join pg_catalog.pg_class c on true");
    expect(names(s.relations)).toEqual(["pg_catalog.pg_class", "s.w", "v"]);
    expect(s.cteNames).toEqual(["v"]);
  });

  it("lists names after a dot, which PostgreSQL may read as a function call on a row", () => {
    expect(safetyOf("select t.f, (t).g, t.* from t").attributeNames.sort()).toEqual(["f", "g"]);
  });

  it("lists a TABLESAMPLE method as a function", () => {
    expect(names(safetyOf("select * from t tablesample bernoulli (10)").functions)).toEqual(["bernoulli"]);
  });

  it("analyses what the brief names as attempts to hide a write (the catalog judges the names)", () => {
    expect(names(safetyOf("select pg_advisory_lock(1)").functions)).toEqual(["pg_advisory_lock"]);
    expect(names(safetyOf("select set_config('a', 'b', false)").functions)).toEqual(["set_config"]);
    expect(names(safetyOf("select lo_creat(-1)").functions)).toEqual(["lo_creat"]);
    expect(names(safetyOf("select * from t, lateral (select g()) x").functions)).toEqual(["g"]);
    expect(names(safetyOf("select * from v").relations)).toEqual(["v"]);
  });
});

describe("mergeExecuteReadSafety", () => {
  it("judges EXECUTE by the prepared statement, with its arguments' names", () => {
    const prepared = classifySql("prepare p as select * from t where id = $1").statements[0].prepares!.statement.readSafety!;
    const execute = safetyOf("execute p(f(1)::my_t)");
    expect(execute.isCandidate).toBe(false);
    const merged = mergeExecuteReadSafety(prepared, execute);
    expect(merged.isCandidate).toBe(true);
    expect(names(merged.functions)).toEqual(["f"]);
    expect(names(merged.types)).toEqual(["my_t"]);
    expect(names(merged.relations)).toEqual(["t"]);
    const write = classifySql("prepare w as delete from t").statements[0].prepares!.statement.readSafety!;
    expect(mergeExecuteReadSafety(write, execute).isCandidate).toBe(false);
  });
});
