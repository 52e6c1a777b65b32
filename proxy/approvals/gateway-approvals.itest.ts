import { and, eq } from "drizzle-orm";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, statements } from "@/drizzle/schema";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { listGrants } from "@/lib/server/approvals/list-grants";
import { revokeGrant } from "@/lib/server/approvals/revoke-grant";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { RawClient, types } from "../testing/raw-client";
import { runTool } from "../testing/run-tool";
import { addPeople, collectNotices, expireNow, LEAD, OUTSIDER, pendingRequest, requestById, REVIEWER, savePolicy } from "./testing/approval-fixtures";

/**
 * Policy enforcement through a real gateway, with node-postgres clients and the default policy:
 * guardrails block, approval rules hold until a reviewer decides through the same service the
 * console and the CLI use.
 */
describe("gateway: guardrails and approvals", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  const clients: pg.Client[] = [];
  const connect = async (o: Partial<pg.ClientConfig> = {}) => {
    const c = await fx.connect(o);
    c.on("error", () => {});
    clients.push(c);
    return c;
  };
  const statuses = async () => (await target.query("select id, status from orders order by id")).rows.map((r) => `${r.id}:${r.status}`);

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table orders (id int primary key, status text not null, total numeric not null default 0); alter table orders owner to ${fx.targetRole}`);
  });
  beforeEach(async () => {
    await target.query("delete from orders; insert into orders (id, status) values (1, 'new'), (2, 'new'), (3, 'paid')");
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await target?.end();
    await fx?.close();
  });

  it("blocks DROP DATABASE with the guardrail's message and 42501; the session goes on, in both protocols", async () => {
    const c = await connect();
    await expect(c.query("drop database orders")).rejects.toMatchObject({ code: "42501", message: "DROP DATABASE is not allowed through Warden." });
    expect((await c.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    // Extended protocol: refused at Execute; the Sync after it ends the error, and the session goes on.
    const alterSystem = { text: "alter system set work_mem = '1GB'", queryMode: "extended" } as pg.QueryConfig;
    await expect(c.query(alterSystem)).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(/^ALTER SYSTEM changes the server's configuration/) });
    expect((await c.query("select count(*)::int as n from orders where id > $1", [0])).rows).toEqual([{ n: 3 }]);
    // Here the server refuses the Bind first (no privilege on pg_read_file): the stream must stay in step all the same.
    await expect(c.query("select pg_read_file($1)", ["/etc/passwd"])).rejects.toMatchObject({ code: "42501" });
    expect((await c.query("select $1::int + 1 as two", [1])).rows).toEqual([{ two: 2 }]);
    const rows = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.decision, "block"));
      return r.length >= 2 ? r : undefined;
    });
    expect(rows.find((r) => r.sql === "drop database orders")).toMatchObject({ status: "blocked", errorCode: "42501", flags: ["drop", "drop_database"], decisionReason: expect.stringMatching(/^No DROP DATABASE: DROP DATABASE/) });
  });

  it("keeps error-until-Sync right in a pipeline: a blocked Execute skips the rest up to Sync", async () => {
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    client.send(
      serialize.parse({ text: "alter system set work_mem = '1GB'" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.parse({ text: "update orders set status = 'skipped' where id = 1" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
    );
    const answer = await client.until((m) => m.type === "Z");
    expect(types(answer)).toBe("12EZ");
    expect(answer[2].decoded).toMatchObject({ code: "42501", message: expect.stringMatching(/^ALTER SYSTEM/) });
    client.send(serialize.query("select status from orders where id = 1"));
    const next = await client.until((m) => m.type === "Z");
    expect(types(next)).toBe("TDCZ");
    client.close();
    expect(await statuses()).toEqual(["1:new", "2:new", "3:paid"]);
  });

  it("blocks with an admin's own guardrail once a new policy version is saved", async () => {
    const policy = defaultPolicy();
    policy.guardrails.push(
      { id: "no-order-drops", name: "Orders stay", isEnabled: true, match: { flags: ["drop"], relations: ["public.orders"] }, message: "The orders table is not dropped through Warden; ask the DBA team." },
      { id: "probe", name: "Probe", isEnabled: true, match: { relations: ["policy_probe"] }, message: "probe blocked" },
    );
    await savePolicy(fx.db, fx.connectionId, policy);
    const c = await connect();
    // The workers hear of the new version by NOTIFY; the probe (a missing table until then) shows when.
    await eventually(async () => (await c.query("select * from policy_probe").catch((e) => e))?.message === "probe blocked");
    await expect(c.query("DROP TABLE IF EXISTS \"orders\"")).rejects.toMatchObject({ code: "42501", message: "The orders table is not dropped through Warden; ask the DBA team." });
    await savePolicy(fx.db, fx.connectionId, defaultPolicy());
    await eventually(async () => (await c.query("select * from policy_probe").catch((e) => e))?.code === "42P01");
    expect(await statuses()).toEqual(["1:new", "2:new", "3:paid"]);
  });

  it("refuses every statement while the connection's policy cannot be loaded (fail closed)", async () => {
    const c = await connect({ application_name: "broken-policy" });
    await savePolicy(fx.db, fx.connectionId, { version: 1, guardrails: "not a list" } as never);
    // A new session is refused at sign-in: its startup settings cannot be judged without a policy.
    await expect(connect({ application_name: "broken-policy-2" })).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(/policy of connection "orders" cannot be loaded/) });
    // The refusal's text may be withheld on its way back (masking cannot load the policy either); its code and record are ours.
    await eventually(async () => (await c.query("select 'probe' as p").catch((e) => e))?.code === "42501");
    const [row] = await eventually(() => fx.db.select().from(statements).where(and(eq(statements.sql, "select 'probe' as p"), eq(statements.decision, "block"))));
    expect(row).toMatchObject({ status: "blocked", errorCode: "42501", decisionReason: expect.stringMatching(/^policy not loaded: Policy version \d+ of connection .* is not valid/) });
    expect(row.errorMessage).toMatch(/policy cannot be loaded; an admin must fix the policy/);
    await savePolicy(fx.db, fx.connectionId, defaultPolicy());
    await eventually(async () => (await c.query("select 1 as one").catch(() => null))?.rows[0]?.one === 1);
  });

  it("holds an UPDATE without WHERE inside a transaction until another person approves; then it runs and commits", async () => {
    const c = await connect({ application_name: "approve-me" });
    const notices = collectNotices(c);
    await c.query("begin");
    await c.query("update orders set total = 5 where id = 1");
    const held = c.query("update orders set status = 'archived'");
    const request = await pendingRequest(fx.db, "update orders set status = 'archived'");
    await eventually(async () => notices.requestIds().includes(request.id));
    const notice = notices.messages.find((m) => m.includes(request.id))!;
    expect(notice).toContain(`http://localhost:3000/approvals/${request.id}`);
    expect(notice).toMatch(/UPDATE\/DELETE without WHERE/);
    expect(request).toMatchObject({
      requester: fx.email,
      actorKind: "human",
      applicationName: "approve-me",
      protocol: "simple",
      ruleId: "hold-destructive",
      reviewerGroups: ["reviewer"],
      minApprovals: 1,
      reasons: ["UPDATE/DELETE without WHERE", "sent by a human"],
      classification: { kind: "write", command: "UpdateStmt", flags: ["write_without_where"] },
    });
    // Nothing has reached the server: other sessions still see the old rows, unlocked.
    expect(await statuses()).toEqual(["1:new", "2:new", "3:paid"]);

    const decided = await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", comment: "ok for the archive job" });
    expect(decided).toMatchObject({ status: "approved", decidedBy: REVIEWER.email, approvalCount: 1 });
    expect((await held).rowCount).toBe(3);
    await c.query("commit");
    expect(await statuses()).toEqual(["1:archived", "2:archived", "3:archived"]);

    const [row] = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.id, request.statementId!));
      return r[0]?.status === "ok" ? r : undefined;
    });
    expect(row).toMatchObject({ decision: "hold", approvalRequestId: request.id, decidedBy: REVIEWER.email, decisionComment: "ok for the archive job", commandTag: "UPDATE 3" });
    expect(row.decidedAt).toBeInstanceOf(Date);
    const audit = await fx.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, request.id)));
    expect(audit.map((e) => e.action).sort()).toEqual(["approval.approve", "approval.request"]);
  });

  it("holds psql's statement with a NOTICE naming the request; psql prints the result once it is approved", async () => {
    const psql = runTool("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-c", "delete from orders where true", fx.uri()]);
    const request = await pendingRequest(fx.db, "delete from orders where true");
    expect(request.ruleId).toBe("hold-destructive");
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    const done = await psql;
    expect(done).toMatchObject({ code: 0, stdout: "DELETE 3\n" });
    expect(done.stderr).toContain(`NOTICE:  Warden is holding this statement for approval request ${request.id}`);
  });

  it("rejects with 42501 and the reviewer's comment; nothing ran and the connection stays usable", async () => {
    const c = await connect();
    const held = c.query("delete from orders").catch((e) => e);
    const request = await pendingRequest(fx.db, "delete from orders");
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "not on a Friday" });
    expect(await held).toMatchObject({ code: "42501", message: `Rejected by ${REVIEWER.email} (approval request ${request.id}): not on a Friday` });
    expect((await c.query("select count(*)::int as n from orders")).rows).toEqual([{ n: 3 }]);
    expect(await statuses()).toEqual(["1:new", "2:new", "3:paid"]);
  });

  it("times out with 57014 when nobody decides before the request expires", async () => {
    const c = await connect();
    const held = c.query("truncate orders").catch((e) => e);
    const request = await pendingRequest(fx.db, "truncate orders");
    await expireNow(fx.db, request.id);
    expect(await held).toMatchObject({ code: "57014", message: expect.stringMatching(/approval timeout: nobody decided on approval request/) });
    expect(await requestById(fx.db, request.id)).toMatchObject({ status: "timed_out" });
    // Too late for a reviewer now.
    await expect(decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" })).rejects.toMatchObject({ status: 409 });
    expect((await c.query("select count(*)::int as n from orders")).rows).toEqual([{ n: 3 }]);
  });

  it("refuses self-approval and reviewers outside the rule's groups; another reviewer's approval stands", async () => {
    const token = await fx.mintToken({ userName: LEAD.email });
    const c = await connect({ user: LEAD.email, password: token });
    const held = c.query("delete from orders where 1 = 1");
    const request = await pendingRequest(fx.db, "delete from orders where 1 = 1");
    await expect(decideApproval(fx.db, { requestId: request.id, reviewer: LEAD, decision: "approve" })).rejects.toMatchObject({ status: 403, message: "You cannot approve your own statement." });
    await expect(decideApproval(fx.db, { requestId: request.id, reviewer: OUTSIDER, decision: "approve" })).rejects.toMatchObject({ status: 403, message: "Only members of reviewer can decide on this request." });
    expect(await requestById(fx.db, request.id)).toMatchObject({ status: "pending" });
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    expect((await held).rowCount).toBe(3);
  });

  it("holds an agent's write at Execute in the extended protocol, showing the reviewer the bound parameters", async () => {
    const token = await fx.mintToken({ actorKind: "agent", agentName: "claude-code" });
    const c = await connect({ password: token, application_name: "mcp-postgres" });
    const held = c.query("update orders set total = $1 where id = $2", ["99.50", 2]);
    const request = await pendingRequest(fx.db, "update orders set total = $1 where id = $2");
    expect(request).toMatchObject({
      protocol: "extended",
      actorKind: "agent",
      agentName: "claude-code",
      ruleId: "hold-agent-writes",
      params: [
        { format: "text", value: "99.50", typeOid: 0 },
        { format: "text", value: "2", typeOid: 0 },
      ],
    });
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    expect((await held).rowCount).toBe(1);
    expect((await target.query("select total::text from orders where id = 2")).rows).toEqual([{ total: "99.50" }]);
    // Reads are not held.
    expect((await c.query("select status from orders where id = $1", [3])).rows).toEqual([{ status: "paid" }]);
  });

  it("withdraws the request when the client cancels the held statement (57014), and the session goes on", async () => {
    const c = await connect();
    const query = new pg.Query("drop table orders");
    const result = new Promise((resolve, reject) => {
      query.on("end", resolve);
      query.on("error", reject);
    });
    void c.query(query as unknown as pg.QueryConfig);
    const request = await pendingRequest(fx.db, "drop table orders");
    const canceller = new pg.Client(fx.clientConfig());
    (canceller as unknown as { cancel(c: pg.Client, q: pg.Query): void }).cancel(c, query);
    await expect(result).rejects.toMatchObject({ code: "57014", message: "canceling statement due to user request" });
    expect((await c.query("select 'usable' as s")).rows).toEqual([{ s: "usable" }]);
    await eventually(async () => (await requestById(fx.db, request.id)).status === "withdrawn");
    await expect(decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" })).rejects.toMatchObject({ status: 409 });
    expect(await statuses()).toEqual(["1:new", "2:new", "3:paid"]);
  });

  it("withdraws the request when the client disconnects while it waits", async () => {
    const c = await connect({ application_name: "leaver" });
    void c.query("delete from orders").catch(() => {});
    const request = await pendingRequest(fx.db, "delete from orders");
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const closed = await eventually(async () => {
      const r = await requestById(fx.db, request.id);
      return r.status === "withdrawn" ? r : undefined;
    });
    expect(closed.decisionComment).toBe("The client disconnected.");
    const [row] = await eventually(() => fx.db.select().from(statements).where(eq(statements.id, request.statementId!)));
    expect(row).toMatchObject({ decision: "hold", status: "blocked", errorCode: "57014", approvalRequestId: request.id });
    expect(await statuses()).toEqual(["1:new", "2:new", "3:paid"]);
  });

  it("lets a time-boxed grant of the statement shape, chosen explicitly, pass other constants without a new request, until it is revoked", async () => {
    const c = await connect();
    const first = c.query("delete from orders where status = 'gone' or true");
    const request = await pendingRequest(fx.db, "delete from orders where status = 'gone' or true");
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 30, grantScope: "fingerprint" });
    await first;
    const [grant] = await listGrants(fx.db, { activeOnly: true });
    expect(grant).toMatchObject({ userName: fx.email, connectionName: fx.connectionName, scope: "fingerprint", fingerprint: request.fingerprint, requestId: request.id, createdBy: REVIEWER.email, status: "active" });

    // Same shape, other constants: runs at once.
    await target.query("insert into orders (id, status) values (4, 'new')");
    expect((await c.query("delete from orders where status = 'other' or true")).rowCount).toBe(1);
    const [row] = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.sql, "delete from orders where status = 'other' or true"));
      return r[0]?.status === "ok" ? r : undefined;
    });
    expect(row).toMatchObject({ decision: "forward", decisionReason: expect.stringMatching(new RegExp(`^approved in advance: grant ${grant.id}`)) });

    await revokeGrant(fx.db, REVIEWER.email, grant.id);
    const again = c.query("delete from orders where status = 'third' or true").catch((e) => e);
    const next = await pendingRequest(fx.db, "delete from orders where status = 'third' or true");
    await decideApproval(fx.db, { requestId: next.id, reviewer: REVIEWER, decision: "reject", comment: "grant revoked" });
    expect(await again).toMatchObject({ code: "42501" });
  });

  it("judges SQL-level EXECUTE by what was prepared, and refuses EXECUTE of a statement it never saw prepared", async () => {
    const c = await connect();
    await c.query("prepare wipe as delete from orders");
    const held = c.query("execute wipe").catch((e) => e);
    const request = await pendingRequest(fx.db, "execute wipe");
    expect(request.classification).toMatchObject({ kind: "write", flags: ["write_without_where", "sql_execute"] });
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "no" });
    expect(await held).toMatchObject({ code: "42501" });
    // A name the session does not have is refused as PostgreSQL would refuse it, before policy.
    await expect(c.query("execute mystery")).rejects.toMatchObject({ code: "26000", message: 'prepared statement "mystery" does not exist' });
    expect(await statuses()).toEqual(["1:new", "2:new", "3:paid"]);
  });
});
