import { and, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, sessions, users } from "@/drizzle/schema";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { getApprovalRequest } from "@/lib/server/approvals/get-approval-request";
import { listGrants } from "@/lib/server/approvals/list-grants";
import { revokeGrant } from "@/lib/server/approvals/revoke-grant";
import { mintToken } from "@/lib/server/tokens/mint-token";
import { reviewRefusal } from "@/lib/shared/contracts/approvals";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { addPeople, collectNotices, expireNow, pendingRequest, requestById, REVIEWER, savePolicy, SECOND_REVIEWER } from "./testing/approval-fixtures";

/** An admin who also reviews: the person the self-approval attack is about. */
const ADMIN_REVIEWER = { email: "ada@example.com", groups: ["admin", "reviewer"] };
/** The user name Ada mints a token for: someone else, on paper. */
const SOMEONE_ELSE = "someone-else@example.com";

/**
 * Reviewer identity, proven by attacks through a real gateway: the requester is a person (subject
 * and minter), neither of whom may approve; grants cover the exact statement unless the reviewer
 * chooses its shape; the gateway's own words reach the client unmasked with the email detector on.
 */
describe("reviewer identity", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  const clients: pg.Client[] = [];
  const config = () => ({ WARDEN_SECRET_KEY: fx.secretKey, PUBLIC_URL: "https://warden.example.com", GATEWAY_PORT: fx.gateway.port });
  const connectAs = async (user: string, password: string, o: Partial<pg.ClientConfig> = {}) => {
    const c = await fx.connect({ user, password, ...o });
    c.on("error", () => {});
    clients.push(c);
    return c;
  };
  /** Ada mints a token in the console, as an admin may, for another user name. */
  const mintAsAda = async (userName: string, o: { actorKind?: "human" | "agent"; agentName?: string } = {}) =>
    mintToken(fx.db, config(), { email: ADMIN_REVIEWER.email, roles: ["admin", "reviewer"] }, { connectionName: fx.connectionName, expiresIn: "1h", actorKind: o.actorKind ?? "human", agentName: o.agentName, userName });
  const count = async () => (await target.query("select count(*)::int as n from orders")).rows[0].n as number;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    await fx.db.insert(users).values([ADMIN_REVIEWER, { email: SOMEONE_ELSE, groups: ["developer"] }]);
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table orders (id int primary key, status text not null); alter table orders owner to ${fx.targetRole}`);
  });
  beforeEach(async () => {
    await target.query("delete from orders; insert into orders select g, 'new' from generate_series(1, 9) g");
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await target?.end();
    await fx?.close();
  });

  describe("self-approval", () => {
    it("an admin who reviews cannot approve a statement run under a token they minted for someone else; another reviewer can", async () => {
      const { token, tokenInfo } = await mintAsAda(SOMEONE_ELSE);
      const c = await connectAs(SOMEONE_ELSE, token, { application_name: "attack" });
      const notices = collectNotices(c);
      const held = c.query("delete from orders");
      const request = await pendingRequest(fx.db, "delete from orders");
      expect(request).toMatchObject({ requester: SOMEONE_ELSE, requesterMintedBy: ADMIN_REVIEWER.email, tokenId: tokenInfo.id });

      // The attack, in every spelling of her address.
      for (const email of [ADMIN_REVIEWER.email, "ADA@example.com", "  ada@Example.com "]) {
        await expect(decideApproval(fx.db, { requestId: request.id, reviewer: { ...ADMIN_REVIEWER, email }, decision: "approve" })).rejects.toMatchObject({
          status: 403,
          message: `You cannot approve a statement run under a token you minted (for ${SOMEONE_ELSE}).`,
        });
      }
      // The inbox says so before she tries.
      const dto = await getApprovalRequest(fx.db, request.id);
      expect(dto).toMatchObject({ requester: SOMEONE_ELSE, requesterMintedBy: ADMIN_REVIEWER.email });
      expect(reviewRefusal(dto, ADMIN_REVIEWER)).toMatch(/token you minted/);
      expect(reviewRefusal(dto, REVIEWER)).toBeNull();
      expect(await requestById(fx.db, request.id)).toMatchObject({ status: "pending" });
      expect(await count()).toBe(9);

      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
      expect((await held).rowCount).toBe(9);
      expect(notices.messages.find((m) => m.includes(request.id))).toContain(`It runs as ${SOMEONE_ELSE}, under a token minted by ${ADMIN_REVIEWER.email}; neither may approve it.`);

      // The recording and the audit trail name both.
      const [session] = await fx.db.select().from(sessions).where(eq(sessions.id, request.sessionId!));
      expect(session).toMatchObject({ userName: SOMEONE_ELSE, tokenId: tokenInfo.id, tokenMintedBy: ADMIN_REVIEWER.email });
      const [requested] = await fx.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, request.id), eq(auditEvents.action, "approval.request")));
      expect(requested).toMatchObject({ actor: SOMEONE_ELSE, details: expect.objectContaining({ requesterMintedBy: ADMIN_REVIEWER.email, tokenId: tokenInfo.id }) });
      // The gateway's events reach the trail through the chainer, a moment after they are recorded.
      const started = await eventually(async () => (await fx.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, session.id), eq(auditEvents.action, "gateway.session.start"))))[0]);
      expect(started).toMatchObject({ actor: SOMEONE_ELSE, details: expect.objectContaining({ tokenMintedBy: ADMIN_REVIEWER.email, tokenId: tokenInfo.id }) });
      const [approved] = await fx.db.select().from(auditEvents).where(and(eq(auditEvents.targetId, request.id), eq(auditEvents.action, "approval.approve")));
      expect(approved).toMatchObject({ actor: REVIEWER.email, details: expect.objectContaining({ requester: SOMEONE_ELSE, requesterMintedBy: ADMIN_REVIEWER.email }) });
    });

    it("a reviewer cannot approve a statement under a token issued to them, though someone else minted it", async () => {
      const lee = { email: "lee@example.com", groups: ["developer", "reviewer"] };
      const { token } = await mintAsAda(lee.email);
      const c = await connectAs(lee.email, token);
      const held = c.query("delete from orders where id > 0 or true");
      const request = await pendingRequest(fx.db, "delete from orders where id > 0 or true");
      expect(request).toMatchObject({ requester: lee.email, requesterMintedBy: ADMIN_REVIEWER.email });
      await expect(decideApproval(fx.db, { requestId: request.id, reviewer: lee, decision: "approve" })).rejects.toMatchObject({ status: 403, message: "You cannot approve your own statement." });
      await expect(decideApproval(fx.db, { requestId: request.id, reviewer: ADMIN_REVIEWER, decision: "approve" })).rejects.toMatchObject({ status: 403 });
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
      expect((await held).rowCount).toBe(9);
    });

    it("the minter cannot be the second reviewer of a rule that needs two", async () => {
      const policy = defaultPolicy();
      policy.approvals[1]!.minApprovals = 2;
      policy.guardrails.push({ id: "probe", name: "Probe", isEnabled: true, match: { relations: ["two_reviewers_probe"] }, message: "two reviewers" });
      await savePolicy(fx.db, fx.connectionId, policy);
      const { token } = await mintAsAda(SOMEONE_ELSE);
      const c = await connectAs(SOMEONE_ELSE, token);
      await eventually(async () => (await c.query("select * from two_reviewers_probe").catch((e) => e))?.message === "two reviewers");
      const held = c.query("truncate orders");
      const request = await pendingRequest(fx.db, "truncate orders");
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
      await expect(decideApproval(fx.db, { requestId: request.id, reviewer: ADMIN_REVIEWER, decision: "approve" })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/token you minted/) });
      expect(await requestById(fx.db, request.id)).toMatchObject({ status: "pending" });
      await decideApproval(fx.db, { requestId: request.id, reviewer: SECOND_REVIEWER, decision: "approve" });
      await held;
      expect(await count()).toBe(0);
      await savePolicy(fx.db, fx.connectionId, defaultPolicy());
      await eventually(async () => (await c.query("select * from two_reviewers_probe").catch((e) => e))?.code === "42P01");
    });
  });

  describe("grants", () => {
    const heldRequest = (sqlText: string | RegExp) => pendingRequest(fx.db, sqlText);
    /** Grants from earlier tests would let these statements through: each test starts with none. */
    beforeEach(async () => {
      for (const g of await listGrants(fx.db, { activeOnly: true })) await revokeGrant(fx.db, REVIEWER.email, g.id);
    });

    it("by default cover the exact statement: another parameter, literal, casing, spacing or an appended statement is held again", async () => {
      const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "bot" });
      const c = await connectAs(fx.email, agentToken);
      const first = c.query("DELETE FROM orders WHERE id = $1", [5]);
      const request = await heldRequest("DELETE FROM orders WHERE id = $1");
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 30 });
      expect((await first).rowCount).toBe(1);
      const [grant] = await listGrants(fx.db, { activeOnly: true });
      expect(grant).toMatchObject({ scope: "statement", userName: fx.email, requestId: request.id });

      // The same statement, the same parameter: runs at once, as often as the grant lasts.
      await target.query("insert into orders values (5, 'back')");
      expect((await c.query("DELETE FROM orders WHERE id = $1", [5])).rowCount).toBe(1);
      expect((await c.query("DELETE FROM orders WHERE id = $1", [5])).rowCount).toBe(0);

      // The attack: anything else under the same grant.
      const attempts: { sql: string; params?: unknown[]; held: string | RegExp }[] = [
        { sql: "DELETE FROM orders WHERE id = $1", params: [6], held: "DELETE FROM orders WHERE id = $1" },
        // The same number spelled otherwise is another parameter: exact means byte for byte.
        { sql: "DELETE FROM orders WHERE id = $1", params: ["05"], held: "DELETE FROM orders WHERE id = $1" },
        { sql: "delete from orders where id = $1", params: [5], held: "delete from orders where id = $1" },
        { sql: "DELETE FROM orders WHERE id =  $1", params: [5], held: "DELETE FROM orders WHERE id =  $1" },
        { sql: "DELETE FROM orders WHERE id = 6", held: "DELETE FROM orders WHERE id = 6" },
      ];
      for (const a of attempts) {
        const attempt = c.query(a.sql, a.params).catch((e) => e);
        const again = await heldRequest(a.held);
        await decideApproval(fx.db, { requestId: again.id, reviewer: REVIEWER, decision: "reject", comment: "not granted" });
        expect(await attempt, a.sql).toMatchObject({ code: "42501" });
      }
      expect((await target.query("select count(*)::int as n from orders where id = 6")).rows).toEqual([{ n: 1 }]);
    });

    it("a granted simple statement with another statement appended: the appended one is held", async () => {
      const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "bot" });
      const c = await connectAs(fx.email, agentToken);
      const first = c.query("update orders set status = 'x' where id = 1");
      const request = await heldRequest("update orders set status = 'x' where id = 1");
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 30 });
      await first;
      expect((await c.query("update orders set status = 'x' where id = 1")).rowCount).toBe(1);
      const attempt = c.query("update orders set status = 'x' where id = 1; update orders set status = 'x' where id = 2").catch((e) => e);
      const appended = await heldRequest(/^\s*update orders set status = 'x' where id = 2$/);
      await decideApproval(fx.db, { requestId: appended.id, reviewer: REVIEWER, decision: "reject", comment: "only row 1" });
      expect(await attempt).toMatchObject({ code: "42501" });
      // The whole query string was one transaction: row 1's update rolled back with the refusal, row 2 untouched.
      expect((await target.query("select status from orders where id = 2")).rows).toEqual([{ status: "new" }]);
    });

    it("cover every statement of the shape only when the reviewer chooses the fingerprint", async () => {
      const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "bot" });
      const c = await connectAs(fx.email, agentToken);
      const first = c.query("DELETE FROM orders WHERE id = $1", [7]);
      const request = await heldRequest("DELETE FROM orders WHERE id = $1");
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 30, grantScope: "fingerprint" });
      await first;
      const [grant] = await listGrants(fx.db, { activeOnly: true });
      expect(grant).toMatchObject({ scope: "fingerprint" });
      expect((await c.query("DELETE FROM orders WHERE id = $1", [8])).rowCount).toBe(1);
      expect((await c.query("DELETE FROM orders WHERE id = 9")).rowCount).toBe(1);
    });

    it("of two reviewers, the narrower scope wins: one choosing the exact statement makes the grant exact", async () => {
      const policy = defaultPolicy();
      policy.approvals[0]!.minApprovals = 2;
      policy.guardrails.push({ id: "probe", name: "Probe", isEnabled: true, match: { relations: ["scope_probe"] }, message: "scope probe" });
      await savePolicy(fx.db, fx.connectionId, policy);
      const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "bot" });
      const c = await connectAs(fx.email, agentToken);
      await eventually(async () => (await c.query("select * from scope_probe").catch((e) => e))?.message === "scope probe");
      const first = c.query("DELETE FROM orders WHERE id = $1", [3]);
      const request = await heldRequest("DELETE FROM orders WHERE id = $1");
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 30, grantScope: "fingerprint" });
      await decideApproval(fx.db, { requestId: request.id, reviewer: SECOND_REVIEWER, decision: "approve", grantMinutes: 30 });
      await first;
      expect(await listGrants(fx.db, { activeOnly: true })).toEqual([expect.objectContaining({ scope: "statement" })]);
      await savePolicy(fx.db, fx.connectionId, defaultPolicy());
      await eventually(async () => (await c.query("select * from scope_probe").catch((e) => e))?.code === "42P01");
    });
  });

  describe("the gateway's own words, with the email detector on", () => {
    beforeAll(async () => {
      const policy = defaultPolicy();
      for (const d of policy.masking.detectors) d.isEnabled = true;
      policy.guardrails.push({ id: "probe", name: "Probe", isEnabled: true, match: { relations: ["email_probe"] }, message: "email probe" });
      await savePolicy(fx.db, fx.connectionId, policy);
    });
    afterAll(async () => {
      await savePolicy(fx.db, fx.connectionId, defaultPolicy());
    });
    const connectMasked = async () => {
      const { token } = await mintAsAda(SOMEONE_ELSE);
      const c = await connectAs(SOMEONE_ELSE, token);
      await eventually(async () => (await c.query("select * from email_probe").catch((e) => e))?.message === "email probe");
      // Customer data is masked in this session: the detector is on.
      expect((await c.query("select 'ann@example.com' as e")).rows[0].e).not.toBe("ann@example.com");
      return c;
    };

    it("a rejection names the reviewer as written in both protocols; the comment's data is masked", async () => {
      const c = await connectMasked();
      const notices = collectNotices(c);
      const held = c.query("delete from orders").catch((e) => e);
      const request = await pendingRequest(fx.db, "delete from orders");
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "ask ann@example.com first" });
      const error = await held;
      expect(error).toMatchObject({ code: "42501" });
      expect(error.message).toMatch(new RegExp(`^Rejected by rita@example\\.com \\(approval request ${request.id}\\): ask `));
      expect(error.message).not.toContain("ann@example.com");
      // The hold notice names the subject and the minter, unmasked.
      expect(notices.messages.find((m) => m.includes(request.id))).toContain(`It runs as ${SOMEONE_ELSE}, under a token minted by ${ADMIN_REVIEWER.email}`);

      const extended = c.query("delete from orders where $1::int > 0 or true", [1]).catch((e) => e);
      const second = await pendingRequest(fx.db, "delete from orders where $1::int > 0 or true");
      await decideApproval(fx.db, { requestId: second.id, reviewer: SECOND_REVIEWER, decision: "reject", comment: "no" });
      expect(await extended).toMatchObject({ code: "42501", message: `Rejected by sam@example.com (approval request ${second.id}): no` });
      expect(await count()).toBe(9);
    });

    it("a time-out, an approval and a grant are told as written", async () => {
      const c = await connectMasked();
      const notices = collectNotices(c);
      const timedOut = c.query("truncate orders").catch((e) => e);
      const request = await pendingRequest(fx.db, "truncate orders");
      await expireNow(fx.db, request.id);
      expect(await timedOut).toMatchObject({ code: "57014", message: expect.stringContaining(`nobody decided on approval request ${request.id}`) });
      const approved = c.query("delete from orders where true");
      const next = await pendingRequest(fx.db, "delete from orders where true");
      await decideApproval(fx.db, { requestId: next.id, reviewer: REVIEWER, decision: "approve", comment: "fine, ann@example.com agreed", grantMinutes: 5 });
      expect((await approved).rowCount).toBe(9);
      expect(notices.messages).toContain(`Approved by rita@example.com (approval request ${next.id}); the statement runs now.`);
      // The comment is a reviewer's free text: not in a notice, which is sent as written.
      expect(notices.messages.join("\n")).not.toContain("ann@example.com");
      expect((await c.query("delete from orders where true")).rowCount).toBe(0);
      const [grant] = await listGrants(fx.db, { activeOnly: true });
      expect(notices.messages.at(-1)).toMatch(new RegExp(`^Warden runs this statement without a new approval request: grant ${grant.id} by rita@example\\.com covers this exact statement until `));
    });
  });
});
