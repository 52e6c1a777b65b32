import { desc, eq } from "drizzle-orm";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { approvalRequests, statements } from "@/drizzle/schema";
import type { BlastRadiusRecord } from "@/lib/policy/blast-radius";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, collectNotices, pendingRequest, REVIEWER } from "../approvals/testing/approval-fixtures";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { RawClient, types } from "../testing/raw-client";

/**
 * The blast-radius guard through a real gateway, with a human's token and the default policy
 * (hold a write that changes more than 20% of a table or 10,000 rows): a write is judged by what it
 * did, measured by the server, however it was written.
 */
describe("gateway: blast-radius guard", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  const clients: pg.Client[] = [];
  const connect = async (o: Partial<pg.ClientConfig> = {}) => {
    const c = await fx.connect(o);
    c.on("error", () => {});
    clients.push(c);
    return c;
  };
  const count = async (table = "t") => Number((await target.query(`select count(*) from ${table}`)).rows[0].count);
  const sumV = async () => Number((await target.query("select coalesce(sum(v), 0) as s from t")).rows[0].s);
  /** The held request for `sql`, its per-table counts, and the rejection the client then gets. */
  const expectHeld = async (c: pg.Client, sql: string | pg.QueryConfig, match: string | RegExp, table: Partial<BlastRadiusRecord["tables"][number]> | null) => {
    const held = c.query(sql as string).catch((e: Error) => e);
    const request = await pendingRequest(fx.db, match);
    const radius = request.blastRadius as BlastRadiusRecord;
    expect(request.ruleId).toBe("hold-large-writes");
    if (table) expect(radius.tables).toEqual(expect.arrayContaining([expect.objectContaining(table)]));
    expect(radius.limit).toMatchObject({ ruleId: "hold-large-writes", maxRowShare: 0.2, maxRows: 10_000 });
    // Rolled back while it waits: other sessions see every row, unlocked.
    expect(await count()).toBe(100);
    expect(await sumV()).toBe(5050);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "too wide" });
    expect(await held).toMatchObject({ code: "42501", message: expect.stringContaining("too wide") });
    expect(await count()).toBe(100);
    expect(await sumV()).toBe(5050);
    return request;
  };

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table t (id int primary key, v int not null); alter table t owner to ${fx.targetRole}`);
    await target.query(`create table audit_log (id serial primary key, note text); alter table audit_log owner to ${fx.targetRole}`);
    await target.query(`create table other (id int primary key); alter table other owner to ${fx.targetRole}`);
    await target.query(`create function wipe_t() returns int language plpgsql as $$ declare n int; begin delete from t where id > 0; get diagnostics n = row_count; return n; end $$; alter function wipe_t() owner to ${fx.targetRole}`);
  });
  beforeEach(async () => {
    await target.query("drop trigger if exists t_cascade on other; truncate t, audit_log, other; insert into t select i, i from generate_series(1, 100) i; insert into other select i from generate_series(1, 10) i");
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await target?.end();
    await fx?.close();
  });

  it("holds writes that change most of the table however they are written, with the per-table count; nothing is kept", async () => {
    const c = await connect();
    const notices = collectNotices(c);
    const request = await expectHeld(c, "delete from t where id is not null", "delete from t where id is not null", { relation: "public.t", deleted: 100, tableRows: 100, share: 1 });
    expect(request.ruleId).toBe("hold-large-writes");
    expect(notices.requestIds()).toContain(request.id);
    await expectHeld(c, "delete from t where v > -1", "delete from t where v > -1", { relation: "public.t", deleted: 100 });
    await expectHeld(c, "delete from t where id in (select id from t)", "delete from t where id in (select id from t)", { deleted: 100 });
    await expectHeld(c, "update t set v = v + 1 where v = v + 0", "update t set v = v + 1 where v = v + 0", { updated: 100, share: 1 });
    await expectHeld(c, "merge into t using (select id from t) s on t.id = s.id when matched then delete", /^merge into t/, { deleted: 100 });
    await expectHeld(c, "with d as (delete from t where v > 0 returning id) select count(*) from d", /^with d as/, { deleted: 100 });
    await expectHeld(c, "select wipe_t()", "select wipe_t()", { deleted: 100 });
    await expectHeld(c, "do $$ begin delete from t where id > 0; end $$", /^do \$\$ begin delete/, { deleted: 100 });
    // Several statements in one string: measured together, in their implicit transaction.
    await expectHeld(c, "update t set v = v where id <= 15; delete from t where id > 90", /^update t set v = v where id <= 15/, { updated: 15, deleted: 10, share: 0.25 });
    expect((await c.query("select count(*)::int as n from t")).rows).toEqual([{ n: 100 }]);
  });

  it("holds a prepared DELETE executed with 0 (extended protocol) and TRUNCATE inside a DO block", async () => {
    const c = await connect();
    await expectHeld(c, { text: "delete from t where id > $1", values: [0], name: "del" } as never, "delete from t where id > $1", { deleted: 100 });
    // The same prepared statement with a narrow parameter passes.
    expect((await c.query({ text: "delete from t where id > $1", values: [97], name: "del" })).rowCount).toBe(3);
    expect(await count()).toBe(97);
    await target.query("insert into t values (98, 98), (99, 99), (100, 100)");
    const request = await expectHeld(c, "do $$ begin execute format('TRUNCATE %I', 't'); end $$", /TRUNCATE %I/, null);
    expect((request.blastRadius as BlastRadiusRecord).exclusiveLocks).toEqual(["public.t"]);
  });

  it("lets a small write through: it commits, and the client gets its own answers", async () => {
    const c = await connect();
    const r = await c.query("delete from t where id <= 5 returning id");
    expect(r.rowCount).toBe(5);
    expect(r.rows.map((x) => x.id)).toEqual([1, 2, 3, 4, 5]);
    expect(await count()).toBe(95);
    // 19 of 95 is 20%: not more than the limit.
    expect((await c.query("update t set v = 0 where id between 6 and 24")).rowCount).toBe(19);
    const [row] = await eventually(async () => {
      const rows = await fx.db.select().from(statements).where(eq(statements.sql, "delete from t where id <= 5 returning id"));
      return rows[0]?.status === "ok" ? rows : undefined;
    });
    expect(row).toMatchObject({ decision: "forward", commandTag: "DELETE 5", decisionReason: expect.stringContaining("blast radius within the limit: public.t: 5 deleted of 100 rows (5%)") });
    // The gateway's own statements are not recorded as the client's.
    const recorded = await fx.db.select({ sql: statements.sql }).from(statements);
    expect(recorded.some((s) => /warden_guard|pg_stat_xact_user_tables/i.test(s.sql))).toBe(false);
    // 21 of 100 holds.
    await target.query("truncate t; insert into t select i, i from generate_series(1, 100) i");
    await expectHeld(c, "delete from t where id <= 21", "delete from t where id <= 21", { deleted: 21, share: 0.21 });
    expect((await c.query("delete from t where id <= 20")).rowCount).toBe(20);
  });

  it("inside the client's transaction: a guarded write uses a savepoint, and the client's rollback still undoes it", async () => {
    const c = await connect();
    await c.query("begin");
    await c.query("update t set v = 0 where id = 1");
    expect((await c.query("delete from t where id <= 5")).rowCount).toBe(5);
    await c.query("savepoint mine");
    expect((await c.query("delete from t where id between 6 and 8")).rowCount).toBe(3);
    await c.query("rollback to savepoint mine");
    expect((await c.query("select count(*)::int as n from t")).rows).toEqual([{ n: 95 }]);
    // A write past the limit inside the transaction is held; rejected, the client's transaction is failed as by any error.
    const held = c.query("delete from t where id > 10").catch((e: Error) => e);
    const request = await pendingRequest(fx.db, "delete from t where id > 10");
    expect((request.blastRadius as BlastRadiusRecord).tables).toEqual([expect.objectContaining({ relation: "public.t", deleted: 90, tableRows: 95 })]);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    expect(await held).toMatchObject({ code: "42501" });
    await c.query("rollback");
    expect(await count()).toBe(100);
    expect(await sumV()).toBe(5050);
    // Committed by the client: kept.
    await c.query("begin");
    await c.query("delete from t where id <= 2");
    await c.query("commit");
    expect(await count()).toBe(98);
    // Approved inside the client's transaction: it runs again there, and the client's COMMIT keeps it.
    await c.query("begin");
    const wide = c.query("delete from t where id > 48");
    const approved = await pendingRequest(fx.db, "delete from t where id > 48");
    expect((approved.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 52, tableRows: 98 });
    await decideApproval(fx.db, { requestId: approved.id, reviewer: REVIEWER, decision: "approve" });
    expect((await wide).rowCount).toBe(52);
    expect(await count()).toBe(98);
    await c.query("commit");
    expect(await count()).toBe(46);
  });

  it("approval runs the write again for real: it commits and the client gets the real CommandComplete", async () => {
    const c = await connect();
    const held = c.query("delete from t where id > 50");
    const request = await pendingRequest(fx.db, "delete from t where id > 50");
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", comment: "cleanup" });
    expect((await held).rowCount).toBe(50);
    expect(await count()).toBe(50);
    const [row] = await eventually(async () => {
      const rows = await fx.db.select().from(statements).where(eq(statements.id, request.statementId!));
      return rows[0]?.status === "ok" && rows[0]?.decision === "hold" ? rows : undefined;
    });
    expect(row).toMatchObject({ commandTag: "DELETE 50", approvalRequestId: request.id, decidedBy: REVIEWER.email, decisionComment: "cleanup" });
    // Extended protocol: the portal is bound again as the client bound it, and the RETURNING rows come once.
    const extended = c.query({ text: "delete from t where id > $1 returning id", values: [20] });
    const again = await pendingRequest(fx.db, "delete from t where id > $1 returning id");
    expect((again.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 30, tableRows: 50 });
    expect(await count()).toBe(50);
    await decideApproval(fx.db, { requestId: again.id, reviewer: REVIEWER, decision: "approve" });
    const done = await extended;
    expect(done.rowCount).toBe(30);
    expect(done.rows).toHaveLength(30);
    expect(await count()).toBe(20);
    expect((await c.query("select count(*)::int as n from t")).rows).toEqual([{ n: 20 }]);
  });

  it("data changed between the hold and the approval: the re-run is held again with the new count", async () => {
    const c = await connect();
    const held = c.query("delete from t where v > 50").catch((e: Error) => e);
    const first = await pendingRequest(fx.db, "delete from t where v > 50");
    expect((first.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 50 });
    await target.query("update t set v = 1000 where id <= 10");
    await decideApproval(fx.db, { requestId: first.id, reviewer: REVIEWER, decision: "approve" });
    const second = await eventually(async () => {
      const [r] = await fx.db.select().from(approvalRequests).where(eq(approvalRequests.sql, "delete from t where v > 50")).orderBy(desc(approvalRequests.createdAt)).limit(1);
      return r && r.id !== first.id && r.status === "pending" ? r : undefined;
    });
    expect((second.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 60 });
    expect(second.reasons.join(" ")).toMatch(/more than the reviewer approved/);
    expect(await count()).toBe(100);
    await decideApproval(fx.db, { requestId: second.id, reviewer: REVIEWER, decision: "approve" });
    expect(await held).toMatchObject({ rowCount: 60 });
    expect(await count()).toBe(40);
  });

  it("counts writes a trigger makes in another table", async () => {
    await target.query(`create or replace function log_other() returns trigger language plpgsql as $$ begin delete from t where id > 0; return old; end $$;
      create trigger t_cascade after delete on other for each row execute function log_other()`);
    const c = await connect();
    const request = await expectHeld(c, "delete from other where id = 1", "delete from other where id = 1", { relation: "public.t", deleted: 100 });
    expect((request.blastRadius as BlastRadiusRecord).tables.map((t) => t.relation)).toEqual(["public.other", "public.t"]);
    expect(await count("other")).toBe(10);
  });

  it("extended protocol: pipelined Executes, each guarded in turn; a held one waits, the rest follow in order", async () => {
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    client.send(
      serialize.parse({ name: "d", text: "delete from t where id > $1" }),
      serialize.bind({ statement: "d", values: ["98"] }),
      serialize.execute({}),
      serialize.bind({ statement: "d", values: ["0"] }),
      serialize.execute({}),
      serialize.parse({ text: "select count(*)::int from t" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
    );
    const request = await pendingRequest(fx.db, "delete from t where id > $1");
    expect((request.blastRadius as BlastRadiusRecord).tables[0]).toMatchObject({ deleted: 98, tableRows: 98 });
    expect(await count()).toBe(100);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    const answer = await client.until((m) => m.type === "Z");
    // ParseComplete, BindComplete, DELETE 2, BindComplete, the hold's notice, the refusal; the rest skipped to Sync.
    expect(types(answer)).toBe("12C2NEZ");
    expect(answer[2].decoded).toMatchObject({ text: "DELETE 2" });
    expect(answer[6].decoded).toMatchObject({ status: "I" });
    client.close();
    // The implicit transaction of the pipeline failed: as without the guard, nothing of it is kept.
    expect(await count()).toBe(100);
  });

  it("extended protocol: a BEGIN pipelined with the write (as pgjdbc sends it) keeps the transaction the client's, and its ROLLBACK undoes the write", async () => {
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    client.send(
      serialize.parse({ text: "begin" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.parse({ text: "delete from t where id <= $1" }),
      serialize.bind({ values: ["3"] }),
      serialize.execute({}),
      serialize.sync(),
    );
    const answer = await client.until((m) => m.type === "Z");
    expect(types(answer)).toBe("12C12CZ");
    expect(answer.at(-1)!.decoded).toMatchObject({ status: "T" });
    client.send(serialize.query("rollback"));
    await client.until((m) => m.type === "Z");
    client.close();
    expect(await count()).toBe(100);
  });

  it("agents' writes are still held by the approval rule, and TRUNCATE and DROP as before", async () => {
    const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "bot" });
    const agent = await connect({ password: agentToken });
    const held = agent.query("delete from t where id = 1").catch((e: Error) => e);
    const request = await pendingRequest(fx.db, "delete from t where id = 1");
    expect(request.ruleId).toBe("hold-agent-writes");
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    await held;
    for (const sql of ["truncate t", "drop table other"]) {
      const c = await connect();
      const held = c.query(sql).catch((e: Error) => e);
      const r = await pendingRequest(fx.db, sql);
      expect(r.ruleId).toBe("hold-destructive");
      await decideApproval(fx.db, { requestId: r.id, reviewer: REVIEWER, decision: "reject" });
      expect(await held).toMatchObject({ code: "42501" });
    }
    expect(await count()).toBe(100);
  });
});
