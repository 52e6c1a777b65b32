import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier, type ClassifiedStatement } from "@/lib/policy/classify-statement";
import { createTestDatabase } from "@/tests/test-database";
import { eventually } from "../testing/gateway-fixture";
import { createLogger } from "../log";
import { CatalogClient } from "../masking/catalog-client";
import { createReadSafetyCheck, type ReadSafetyCheck, type SessionRef } from "./read-safety-catalog";

/**
 * The early start of reads against a real PostgreSQL: what the target's catalog says about the
 * functions, views, tables and types a read uses.
 */

const statement = (sql: string): ClassifiedStatement => {
  const c = classifySql(sql);
  expect(c.statements, sql).toHaveLength(1);
  return c.statements[0];
};

function catalogOpener(url: string) {
  const u = new URL(url);
  const target = {
    host: u.hostname,
    port: Number(u.port),
    sslmode: "disable" as const,
    database: decodeURIComponent(u.pathname.slice(1)),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
  return () => CatalogClient.open(target, { timeoutMs: 10_000 });
}

const silent = createLogger("error", () => {});

async function setUpTarget(sql: string): Promise<{ url: string; admin: pg.Client }> {
  const url = await createTestDatabase("readsafety");
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(sql);
  return { url, admin };
}

describe("read safety against the target's catalog", () => {
  let url: string;
  let admin: pg.Client;
  let check: ReadSafetyCheck;
  const session: SessionRef = { id: "s1", connection: { id: "target" } };
  const isSafe = (sql: string, s: SessionRef = session) => check.isSafeRead(s, statement(sql));

  beforeAll(async () => {
    await loadClassifier();
    ({ url, admin } = await setUpTarget(`
      create table t (id int primary key, v text);
      insert into t values (1, 'a');
      create function vol() returns int volatile language sql as 'select 1';
      create function stab() returns int stable language sql as 'select 1';
      create function vol_acc(int, int) returns int volatile language sql as 'select coalesce($1, 0) + $2';
      create aggregate vol_sum(int) (sfunc = vol_acc, stype = int);
      create function volrow(t) returns int volatile language sql as 'select 1';
      create view v as select vol() as x;
      create table rls (id int);
      alter table rls enable row level security;
      create sequence sq;
      create domain positive as int check (value > 0);
      create function int_plus(int, int) returns int immutable language sql as 'select $1 + $2';
      create operator ### (leftarg = int, rightarg = int, function = int_plus);
      create type mood as enum ('happy', 'sad');
      create schema shadow;
      create function shadow.now() returns timestamptz volatile language sql as 'select clock_timestamp()';
      create function public.upper(text) returns text immutable language sql as 'select $1';
      create table parent (id int) partition by range (id);
      create table child partition of parent for values from (0) to (100);
    `));
    check = createReadSafetyCheck({ openCatalog: catalogOpener(url), log: silent, unknownNameRefreshMs: 0 });
  });

  afterAll(async () => {
    await check?.close();
    await admin?.end();
  });

  it("says no until the connection's catalog is loaded, and starts loading it", async () => {
    expect(isSafe("select * from t where id = 1")).toBe(false);
    await check.ready("target");
    expect(isSafe("select * from t where id = 1")).toBe(true);
  });

  it.each([
    "select * from t where id = 1",
    "select count(*), max(v) from t",
    "select stab(), lower(v), statement_timestamp(), current_setting('work_mem') from t",
    "select * from parent",
    "select * from pg_catalog.pg_class",
    "select * from information_schema.tables",
    "select 1::int, 'x'::text, '{1}'::int[]",
    "with x as (select * from t) select * from x",
    "select upper(v) from t",
    "select 1 ### 2",
    "select 'happy'::mood",
    "show work_mem",
    "values (1)",
  ])("starts early: %s", async (sql) => {
    await check.ready("target");
    expect(isSafe(sql)).toBe(true);
  });

  it.each([
    ["a volatile user function", "select vol()"],
    ["a volatile user function in a LATERAL subquery", "select * from t, lateral (select vol()) x"],
    ["a view (it may call anything; this one calls vol())", "select * from v"],
    ["a table with row-level security (its policies run)", "select * from rls"],
    ["a sequence", "select * from sq"],
    ["a user domain (its CHECK runs)", "select 1::positive"],
    ["a composite type (it may hold a domain)", "select row(1, 'a')::t"],
    ["an operator the catalog does not have", "select 1 #### 2"],
    ["an aggregate whose transition function is volatile", "select vol_sum(id) from t"],
    ["attribute notation for a volatile function", "select t.volrow from t"],
    ["a built-in name shadowed by a volatile function in another schema", "select now()"],
    ["pg_advisory_lock", "select pg_advisory_lock(1)"],
    ["set_config", "select set_config('a.b', 'c', false)"],
    ["lo_creat", "select lo_creat(-1)"],
    ["random", "select random()"],
    ["txid_current (assigns an xid)", "select txid_current()"],
    ["nextval", "select nextval('sq')"],
    ["a DELETE hidden in a subquery's CTE", "select * from (with d as (delete from t returning *) select * from d) x"],
    ["FOR UPDATE", "select * from t for update"],
    ["SELECT INTO", "select * into t2 from t"],
    ["a relation the catalog does not have", "select * from no_such_table"],
    ["a function the catalog does not have", "select no_such_function()"],
  ])("waits for its record: %s", async (_why, sql) => {
    await check.ready("target");
    expect(isSafe(sql)).toBe(false);
  });

  it("learns of a table created elsewhere by rereading the catalog", async () => {
    await check.ready("target");
    expect(isSafe("select * from created_later")).toBe(false);
    await admin.query("create table created_later (id int)");
    await eventually(async () => isSafe("select * from created_later"));
  });

  it("rereads the catalog after DDL, and keeps the session that ran it waiting until its transaction ends", async () => {
    await check.ready("target");
    const other: SessionRef = { id: "s2", connection: { id: "target" } };
    expect(isSafe("select * from t")).toBe(true);
    // A session replaces the table's contents' source with a view calling vol() (in its transaction).
    check.onStatementFinished(session, statement("create view t_view as select vol() as x"), null);
    expect(isSafe("select * from t")).toBe(false);
    expect(isSafe("select * from t", other)).toBe(false);
    await check.ready("target");
    expect(isSafe("select * from t", other)).toBe(true);
    // Its own transaction may hold uncommitted catalog changes the snapshot cannot see.
    expect(isSafe("select * from t")).toBe(false);
    check.onStatementFinished(session, statement("commit"), null);
    await check.ready("target");
    expect(isSafe("select * from t")).toBe(true);
    // ReadyForQuery idle ends it too.
    check.onStatementFinished(session, statement("alter table t add column w int"), null);
    check.onReadyForQuery(session, "T");
    await check.ready("target");
    expect(isSafe("select * from t")).toBe(false);
    check.onReadyForQuery(session, "I");
    await check.ready("target");
    expect(isSafe("select * from t")).toBe(true);
  });

  it("rereads the catalog after a call of a volatile user function (it may have run DDL)", async () => {
    await check.ready("target");
    const other: SessionRef = { id: "s3", connection: { id: "target" } };
    check.onStatementFinished(other, statement("select vol()"), null);
    expect(isSafe("select * from t")).toBe(false);
    await check.ready("target");
    expect(isSafe("select * from t")).toBe(true);
    // A volatile built-in does no DDL.
    check.onStatementFinished(other, statement("insert into t values (2, gen_random_uuid()::text)"), null);
    expect(isSafe("select * from t")).toBe(true);
  });
});

describe("read safety on a target where an operator calls a volatile function", () => {
  it("starts no read early there (sorting, grouping and comparisons may call it unseen)", async () => {
    await loadClassifier();
    const { url, admin } = await setUpTarget(`
      create table t (id int);
      create function vol_eq(int, int) returns bool volatile language sql as 'select $1 = $2';
      create operator === (leftarg = int, rightarg = int, function = vol_eq);
    `);
    const check = createReadSafetyCheck({ openCatalog: catalogOpener(url), log: silent });
    try {
      await check.ready("t2");
      const session: SessionRef = { id: "x", connection: { id: "t2" } };
      expect(check.isSafeRead(session, statement("select * from t"))).toBe(false);
      await admin.query("drop operator === (int, int)");
      check.onStatementFinished(session, statement("drop operator === (int, int)"), null);
      check.onReadyForQuery(session, "I");
      await check.ready("t2");
      expect(check.isSafeRead(session, statement("select * from t"))).toBe(true);
    } finally {
      await check.close();
      await admin.end();
    }
  });
});
