import { spawn } from "node:child_process";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { approvalRequests, statements } from "@/drizzle/schema";
import type { BlastRadiusRecord } from "@/lib/policy/blast-radius";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, pendingRequest, REVIEWER } from "../approvals/testing/approval-fixtures";
import { functionCallFrame } from "../testing/function-call-frames";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { RawClient, types } from "../testing/raw-client";

/**
 * Attacks on the blast-radius guard: other ways to change most of a 100-row table as a human with
 * the default policy. Each is held by the guard with the right count, and the table is unchanged
 * while it waits and after the rejection.
 */
describe("blast-radius guard: attack corpus", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  let c: pg.Client;
  const count = async () => Number((await target.query("select count(*) from t")).rows[0].count);
  const sum = async () => Number((await target.query("select coalesce(sum(v), 0) as s from t")).rows[0].s);
  const rejectHeld = async (sql: string, expected: Partial<BlastRadiusRecord["tables"][number]> | null, client = c) => {
    const held = client.query(sql).catch((e: Error) => e);
    const request = await pendingRequest(fx.db, sql);
    expect(request.ruleId).toBe("hold-large-writes");
    if (expected) expect((request.blastRadius as BlastRadiusRecord).tables).toEqual(expect.arrayContaining([expect.objectContaining(expected)]));
    expect([await count(), await sum()]).toEqual([100, 5050]);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    expect(await held).toMatchObject({ code: "42501" });
    expect([await count(), await sum()]).toEqual([100, 5050]);
    return request;
  };

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    const own = (what: string) => `alter ${what} owner to ${fx.targetRole}`;
    await target.query(`create table t (id int primary key, v int not null); ${own("table t")}`);
    await target.query(`create view tv as select * from t; ${own("view tv")}`);
    await target.query(`create procedure wipe(keep int) language sql as $$ delete from t where id > keep $$; ${own("procedure wipe(int)")}`);
    await target.query(`create procedure wipe_and_commit() language plpgsql as $$ begin delete from t where id > 0; commit; end $$; ${own("procedure wipe_and_commit()")}`);
    c = await fx.connect();
    c.on("error", () => {});
  });
  beforeEach(async () => {
    await target.query("truncate t; insert into t select i, i from generate_series(1, 100) i");
  });
  afterAll(async () => {
    await c?.end().catch(() => {});
    await target?.end();
    await fx?.close();
  });

  it("does not measure an INSERT of plain values into a table that runs no code on insert; one whose table, default or values can run code is measured and held", async () => {
    const own = (what: string) => `alter ${what} owner to ${fx.targetRole}`;
    await target.query(`create table plain_log (id int, note text); ${own("table plain_log")}`);
    await target.query(`create function wipe_t() returns trigger language plpgsql as $$ begin delete from public.t; return null; end $$; ${own("function wipe_t()")}`);
    await target.query(`create table trig_log (id int); create trigger wipe after insert on trig_log for each statement execute function wipe_t(); ${own("table trig_log")}`);
    await target.query(`create function wipe_default() returns int language plpgsql as $$ begin delete from public.t; return 1; end $$; ${own("function wipe_default()")}`);
    await target.query(`create table def_log (id int, x int default wipe_default()); ${own("table def_log")}`);
    await target.query(`create function wipe_value() returns int language plpgsql as $$ begin delete from public.t; return 1; end $$; ${own("function wipe_value()")}`);
    // Once the gateway has the target's catalog, a plain INSERT is forwarded as is: its record carries no measurement.
    let n = 0;
    const plain = await eventually(async () => {
      const sql = `insert into plain_log values (${++n}, 'a')`;
      await c.query(sql);
      const rows = await eventually(async () => {
        const r = await fx.db.select().from(statements).where(eq(statements.sql, sql));
        return r[0]?.status === "ok" ? r : undefined;
      });
      return rows[0].decisionReason?.includes("blast radius") ? undefined : rows[0];
    });
    expect(plain).toMatchObject({ decision: "forward", commandTag: "INSERT 0 1" });
    // The same shape whose table has a trigger, whose column default calls a function, or whose values call one: measured, held.
    await rejectHeld("insert into trig_log values (1)", { relation: "public.t", deleted: 100 });
    await rejectHeld("insert into def_log (id) values (1)", { relation: "public.t", deleted: 100 });
    await rejectHeld("insert into plain_log values (wipe_value(), 'b')", { relation: "public.t", deleted: 100 });
    // A temporary table of the same name with a trigger, made in the client's open transaction, shadows the plain one.
    const k = await fx.connect();
    k.on("error", () => {});
    try {
      await k.query("begin");
      await k.query("create temp table plain_log (id int, note text)");
      await k.query("create trigger wipe after insert on plain_log for each statement execute function public.wipe_t()");
      await rejectHeld("insert into plain_log values (100, 'c')", { relation: "public.t", deleted: 100 }, k);
      await k.query("rollback");
    } finally {
      await k.end().catch(() => {});
    }
  });

  it("holds upserts, writes through views, EXPLAIN ANALYZE, procedures and SQL EXECUTE", async () => {
    await rejectHeld("insert into t select id, 0 from t on conflict (id) do update set v = excluded.v", { relation: "public.t", updated: 100 });
    await rejectHeld("delete from tv where id > 0", { relation: "public.t", deleted: 100 });
    await rejectHeld("explain analyze delete from t where id > 0", { deleted: 100 });
    await rejectHeld("call wipe(0)", { deleted: 100 });
    await c.query("prepare d(int) as delete from t where id > $1");
    await rejectHeld("execute d(0)", { deleted: 100 });
    expect((await c.query("execute d(95)")).rowCount).toBe(5);
  });

  it("holds an UPDATE of more than 10,000 rows of a big table (the count limit, under the share); a bulk insert is not held", async () => {
    await target.query(`create table big (id int primary key, v int); alter table big owner to ${fx.targetRole}`);
    expect((await c.query("insert into big select i, 0 from generate_series(1, 60000) i")).rowCount).toBe(60_000);
    const held = c.query("update big set v = 1 where id <= 10001").catch((e: Error) => e);
    const request = await pendingRequest(fx.db, "update big set v = 1 where id <= 10001");
    expect(request.reasons[0]).toMatch(/updates or deletes 10001 rows \(over 10000\)/);
    expect((request.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ relation: "public.big", updated: 10_001, tableRows: 60_000 });
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    expect(await held).toMatchObject({ code: "42501" });
    expect(Number((await target.query("select count(*) from big where v = 1")).rows[0].count)).toBe(0);
    expect((await c.query("update big set v = 1 where id <= 10000")).rowCount).toBe(10_000);
  });

  it("a string that starts with BEGIN leaves the transaction open as the client asked; one past the limit is held inside it", async () => {
    const k = await fx.connect();
    k.on("error", () => {});
    const notices: string[] = [];
    k.on("notice", (n) => notices.push(n.message ?? ""));
    await k.query("begin; update t set v = 0 where id = 1");
    await k.query("rollback");
    expect([await count(), await sum()]).toEqual([100, 5050]);
    expect(notices).toEqual([]);
    await k.query("begin; update t set v = 0 where id <= 3");
    await k.query("commit");
    expect(await sum()).toBe(5050 - 6);
    await k.end();
  });

  it("holds a query string that also ends a transaction before any of it runs (unmeasured); rejected, nothing ran; approved, it runs as sent", async () => {
    const wipe = "delete from t where id > 0; commit";
    const request = await rejectHeld(wipe, null);
    expect(request.reasons[0]).toMatch(/commits, rolls back, sets a savepoint/);
    // BEGIN …; COMMIT in one string, a common script shape: held, and once approved it runs and commits.
    const script = "begin; update t set v = v + 1 where id <= 3; commit";
    const held = c.query(script);
    const pending = await pendingRequest(fx.db, script);
    expect([await count(), await sum()]).toEqual([100, 5050]);
    await decideApproval(fx.db, { requestId: pending.id, reviewer: REVIEWER, decision: "approve" });
    const results = (await held) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.command)).toEqual(["BEGIN", "UPDATE", "COMMIT"]);
    expect(await sum()).toBe(5050 + 3);
    expect((await c.query("select pg_catalog.txid_current_if_assigned() is null as idle")).rows[0].idle).toBe(true);
    await target.query("update t set v = id");
    // Strings of reads, or of writes without transaction control, are untouched by this rule.
    const results2 = (await c.query("select 1 as one; update t set v = v where id = 1")) as unknown as pg.QueryResult[];
    expect(results2.map((r) => r.rowCount)).toEqual([1, 1]);
  });

  it("a procedure that commits by itself cannot be measured: held before it runs, run as is once approved", async () => {
    const held = c.query("call wipe_and_commit()");
    const request = await pendingRequest(fx.db, "call wipe_and_commit()");
    expect(request.reasons[0]).toMatch(/commits or rolls back by itself/);
    expect([await count(), await sum()]).toEqual([100, 5050]);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    await held;
    expect(await count()).toBe(0);
  });

  it("a DO block that creates and fills its own table is not a TRUNCATE; a temporary table is not either", async () => {
    await target.query(`grant create on schema public to ${fx.targetRole}`);
    await c.query("do $$ begin create table scratch (id int); insert into scratch select generate_series(1, 5); end $$");
    expect(Number((await target.query("select count(*) from scratch")).rows[0].count)).toBe(5);
    await c.query("do $$ begin create temp table tmp_x (id int); insert into tmp_x values (1); truncate tmp_x; end $$");
    // No request was made for either.
    const requests = await fx.db.select().from(approvalRequests).where(eq(approvalRequests.ruleId, "hold-large-writes"));
    expect(requests.filter((r) => /scratch|tmp_x/.test(r.sql))).toEqual([]);
  });

  it("the same DELETE as a prepared statement through the extended protocol and as a plpgsql function in a data-modifying CTE", async () => {
    await target.query(`create or replace function del_over(n int) returns setof int language plpgsql as $$ begin return query delete from t where id > n returning id; end $$; alter function del_over(int) owner to ${fx.targetRole}`);
    const held = c.query({ text: "select count(*) from del_over($1)", values: [0] }).catch((e: Error) => e);
    const request = await pendingRequest(fx.db, "select count(*) from del_over($1)");
    expect((request.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 100 });
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    await held;
    expect(await count()).toBe(100);
    await rejectHeld("with x as (insert into t select i, i from generate_series(101, 102) i returning id) update t set v = 0 where id < 30", { updated: 29 });
    await eventually(async () => (await count()) === 100);
  });

  it("holds a writing function called through the protocol's fast path (FunctionCall); a small one runs", async () => {
    await target.query(`create or replace function wipe_over(n int) returns int language plpgsql as $$ declare k int; begin delete from t where id > n; get diagnostics k = row_count; return k; end $$; alter function wipe_over(int) owner to ${fx.targetRole}`);
    const oid = Number((await target.query("select 'wipe_over(int)'::regprocedure::oid as oid")).rows[0].oid);
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    const arg = (n: number) => Buffer.from(String(n));
    client.send(functionCallFrame({ oid, formats: [0], args: [arg(95)], resultFormat: 0 }));
    const small = await client.until((m) => m.type === "Z");
    expect(types(small)).toBe("VZ");
    expect(await count()).toBe(95);
    client.send(functionCallFrame({ oid, formats: [0], args: [arg(0)], resultFormat: 0 }));
    const request = await pendingRequest(fx.db, /wipe_over/);
    expect((request.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 95, tableRows: 95 });
    expect(await count()).toBe(95);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    const refused = await client.until((m) => m.type === "Z");
    expect(types(refused)).toBe("NEZ");
    expect(await count()).toBe(95);
    client.close();
  });

  it("holds a write that runs when a cursor is fetched", async () => {
    await target.query(`create or replace function wipe_all() returns int language plpgsql as $$ declare k int; begin delete from t where id > 0; get diagnostics k = row_count; return k; end $$; alter function wipe_all() owner to ${fx.targetRole}`);
    const k = await fx.connect();
    k.on("error", () => {});
    await k.query("begin");
    await k.query("declare cur cursor for select wipe_all()");
    const held = k.query("fetch all from cur").catch((e: Error) => e);
    const request = await pendingRequest(fx.db, "fetch all from cur");
    expect((request.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 100 });
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    expect(await held).toMatchObject({ code: "42501" });
    await k.query("rollback");
    expect([await count(), await sum()]).toEqual([100, 5050]);
    await k.end();
  });

  it("COPY: into a table with a trigger it is held before it runs; plain COPY runs; COPY (a writing query) TO STDOUT is measured", async () => {
    await target.query(`create table inbox (id int); alter table inbox owner to ${fx.targetRole}; create table plain (id int); alter table plain owner to ${fx.targetRole}`);
    await target.query(`create function inbox_wipe() returns trigger language plpgsql as $$ begin delete from t where id > 0; return new; end $$;
      create trigger inbox_wipe after insert on inbox for each row execute function inbox_wipe()`);
    const psql = (sql: string, input: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql, fx.uri()], { stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("close", (code) => resolve({ code, stdout, stderr }));
        p.stdin.end(input);
      });
    expect(await psql("copy plain from stdin", "1\n2\n")).toMatchObject({ code: 0 });
    expect(Number((await target.query("select count(*) from plain")).rows[0].count)).toBe(2);
    const held = psql("copy inbox from stdin", "1\n");
    const request = await pendingRequest(fx.db, "copy inbox from stdin");
    expect(request.reasons[0]).toMatch(/triggers or rules/);
    expect(await count()).toBe(100);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    expect((await held).code).not.toBe(0);
    expect(await count()).toBe(100);
    expect(Number((await target.query("select count(*) from inbox")).rows[0].count)).toBe(0);
    await target.query(`create or replace function wipe_all() returns int language plpgsql as $$ declare k int; begin delete from t where id > 0; get diagnostics k = row_count; return k; end $$; alter function wipe_all() owner to ${fx.targetRole}`);
    await rejectHeld("copy (select wipe_all()) to stdout", { deleted: 100 });
  });

  it("holds a DROP TABLE inside a DO block and a wide DELETE on a partitioned table; REFRESH MATERIALIZED VIEW runs", async () => {
    await target.query(`create table doomed (id int); insert into doomed values (1), (2); alter table doomed owner to ${fx.targetRole}`);
    const drop = await rejectHeld("do $$ begin execute 'drop table doomed'; end $$", null);
    expect((drop.blastRadius as BlastRadiusRecord).exclusiveLocks.length).toBeGreaterThan(0);
    expect(Number((await target.query("select count(*) from doomed")).rows[0].count)).toBe(2);

    await target.query(`create table parted (id int, v int) partition by range (id);
      create table parted_a partition of parted for values from (1) to (51);
      create table parted_b partition of parted for values from (51) to (101);
      insert into parted select i, i from generate_series(1, 100) i;
      alter table parted owner to ${fx.targetRole}; alter table parted_a owner to ${fx.targetRole}; alter table parted_b owner to ${fx.targetRole}`);
    const held = c.query("delete from parted where v > 30").catch((e: Error) => e);
    const request = await pendingRequest(fx.db, "delete from parted where v > 30");
    expect((request.blastRadius as BlastRadiusRecord).tables).toEqual([
      expect.objectContaining({ relation: "public.parted_a", deleted: 20, tableRows: 50 }),
      expect.objectContaining({ relation: "public.parted_b", deleted: 50, tableRows: 50 }),
    ]);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    await held;
    expect(Number((await target.query("select count(*) from parted")).rows[0].count)).toBe(100);

    await target.query(`create materialized view mv as select count(*) from t; alter materialized view mv owner to ${fx.targetRole}`);
    await c.query("refresh materialized view mv");
  });
});
