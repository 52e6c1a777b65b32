import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq, inArray } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, auditEvents, connections, users } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { STORE_CHANNELS } from "@/lib/db/store-listener";
import { reviewRefusal } from "@/lib/shared/contracts/approvals";
import { createTestStore } from "@/tests/test-database";
import { decideApproval } from "./decide-approval";
import { findReviewer } from "./find-reviewer";
import { getApprovalRequest } from "./get-approval-request";
import { listApprovalRequests } from "./list-approval-requests";
import { listGrants } from "./list-grants";
import { revokeGrant } from "./revoke-grant";

const RITA = { email: "rita@example.com", groups: ["reviewer"] };
const SAM = { email: "sam@example.com", groups: ["reviewer", "dba"] };
const DEV = { email: "dev@example.com", groups: ["developer"] };

describe("approval services", () => {
  let db: Db;
  let url: string;
  let connectionId: string;
  let listener: pg.Client;
  const notified: string[] = [];
  let hook: http.Server;
  let hookUrl: string;
  const posted: { status: number; body: { text: string; blocks: unknown[] } }[] = [];
  let hookStatus = 200;

  beforeAll(async () => {
    url = await createTestStore();
    db = createDb(url, { max: 3 });
    connectionId = randomUUID();
    await db.insert(connections).values({ id: connectionId, name: "orders", host: "localhost", port: 5432, database: "orders", username: "app", sslmode: "disable", allowedGroups: ["developer"], createdBy: "test" });
    await db.insert(users).values([RITA, SAM, DEV]);
    listener = new pg.Client({ connectionString: url });
    await listener.connect();
    listener.on("notification", (n) => notified.push(`${n.channel}:${n.payload}`));
    await listener.query(`listen ${STORE_CHANNELS.approvalDecided}`);
    hook = http.createServer((req, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        posted.push({ status: hookStatus, body: JSON.parse(data) });
        res.writeHead(hookStatus).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await listener?.end();
    await db?.$client.end();
    await new Promise((r) => hook?.close(r));
  });

  async function addRequest(overrides: Partial<typeof approvalRequests.$inferInsert> = {}) {
    const [row] = await db
      .insert(approvalRequests)
      .values({
        connectionId,
        connectionName: "orders",
        requester: DEV.email,
        actorKind: "human",
        protocol: "simple",
        sql: "delete from orders",
        fingerprint: "abc123",
        // statementDigest: the gateway's digest of the exact statement (statement-digest.ts), which a grant of scope statement binds to.
        classification: { kind: "write", command: "DeleteStmt", flags: ["write_without_where"], relations: [{ schema: null, name: "orders", access: "write" }], statementDigest: "5".repeat(64) },
        ruleId: "hold-destructive",
        ruleName: "Destructive statements need a reviewer",
        reasons: ["UPDATE/DELETE without WHERE"],
        reviewerGroups: ["reviewer"],
        minApprovals: 1,
        allowGrants: true,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 15 * 60_000),
        ...overrides,
      })
      .returning();
    return row;
  }

  const actionsOn = async (id: string) => (await db.select().from(auditEvents).where(eq(auditEvents.targetId, id))).map((e) => e.action);

  it("refuses the requester, reviewers outside the groups, repeated votes and bad grants, each with its reason", async () => {
    const r = await addRequest();
    await expect(decideApproval(db, { requestId: r.id, reviewer: DEV, decision: "approve" })).rejects.toMatchObject({ status: 403, message: "You cannot approve your own statement." });
    await expect(decideApproval(db, { requestId: r.id, reviewer: { email: "DEV@example.com", groups: ["reviewer"] }, decision: "approve" })).rejects.toMatchObject({ status: 403 });
    await expect(decideApproval(db, { requestId: r.id, reviewer: { email: "x@example.com", groups: ["auditor"] }, decision: "approve" })).rejects.toMatchObject({ status: 403, message: "Only members of reviewer can decide on this request." });
    await expect(decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "reject", grantMinutes: 5 })).rejects.toMatchObject({ status: 400, message: "Only an approval can grant." });
    await expect(decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve", grantMinutes: 5000 })).rejects.toMatchObject({ status: 400 });
    const noGrants = await addRequest({ allowGrants: false });
    await expect(decideApproval(db, { requestId: noGrants.id, reviewer: RITA, decision: "approve", grantMinutes: 5 })).rejects.toMatchObject({ status: 400, message: "The rule that held this statement does not allow grants." });
    await expect(decideApproval(db, { requestId: randomUUID(), reviewer: RITA, decision: "approve" })).rejects.toMatchObject({ status: 404 });
    await expect(getApprovalRequest(db, "not-a-uuid")).rejects.toMatchObject({ status: 404 });
    expect((await getApprovalRequest(db, r.id)).status).toBe("pending");
    expect(await actionsOn(r.id)).toEqual([]);
  });

  it("needs minApprovals different reviewers; the last approval decides, notifies and is audited", async () => {
    const r = await addRequest({ minApprovals: 2, reviewerGroups: ["reviewer", "dba"] });
    notified.length = 0;
    const first = await decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve", comment: "fine by me", grantMinutes: 60 });
    expect(first).toMatchObject({ status: "pending", approvalCount: 1, votes: [{ reviewer: RITA.email, decision: "approve", comment: "fine by me", grantMinutes: 60 }] });
    await expect(decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve" })).rejects.toMatchObject({ status: 409, message: "You have already decided on this request." });
    expect(reviewRefusal(first, RITA)).toBe("You have already decided on this request.");
    expect(reviewRefusal(first, SAM)).toBeNull();
    const second = await decideApproval(db, { requestId: r.id, reviewer: SAM, decision: "approve", grantMinutes: 15 });
    expect(second).toMatchObject({ status: "approved", approvalCount: 2, decidedBy: `${RITA.email}, ${SAM.email}`, decisionComment: "fine by me" });
    await expect(decideApproval(db, { requestId: r.id, reviewer: { email: "t@example.com", groups: ["reviewer"] }, decision: "reject" })).rejects.toMatchObject({ status: 409, message: "This request is already approved." });
    expect(await actionsOn(r.id)).toEqual(["approval.vote", "approval.approve"]);
    await expect.poll(() => notified.filter((n) => n === `${STORE_CHANNELS.approvalDecided}:${r.id}`).length).toBe(2);

    // Both reviewers offered a grant: it lasts as long as the shorter offer.
    const grant = (await listGrants(db, { activeOnly: true })).find((g) => g.requestId === r.id)!;
    expect(grant).toMatchObject({ userName: DEV.email, fingerprint: "abc123", connectionName: "orders", createdBy: `${RITA.email}, ${SAM.email}`, status: "active" });
    const minutes = (new Date(grant.expiresAt).getTime() - new Date(grant.createdAt).getTime()) / 60_000;
    expect(Math.round(minutes)).toBe(15);
  });

  it("refuses the token's minter as a reviewer, whatever user name it carries, and names both", async () => {
    const r = await addRequest({ requesterMintedBy: "Sam@Example.com ", tokenId: randomUUID() });
    await expect(decideApproval(db, { requestId: r.id, reviewer: SAM, decision: "approve" })).rejects.toMatchObject({ status: 403, message: `You cannot approve a statement run under a token you minted (for ${DEV.email}).` });
    await expect(decideApproval(db, { requestId: r.id, reviewer: SAM, decision: "reject", comment: "mine" })).rejects.toMatchObject({ status: 403, message: `You cannot decide on a statement run under a token you minted (for ${DEV.email}).` });
    // From a terminal, the CLI's own name counts as the reviewer's.
    const cli = await addRequest({ requesterMintedBy: "cli:ops@host" });
    await expect(decideApproval(db, { requestId: cli.id, reviewer: { ...RITA, aliases: ["cli:ops@host"] }, decision: "approve" })).rejects.toMatchObject({ status: 403 });
    const dto = await getApprovalRequest(db, r.id);
    expect(dto).toMatchObject({ requester: DEV.email, requesterMintedBy: "Sam@Example.com ", tokenId: r.tokenId });
    expect(reviewRefusal(dto, SAM)).toMatch(/token you minted/);
    expect(reviewRefusal(dto, RITA)).toBeNull();
    expect(await actionsOn(r.id)).toEqual([]);
    await decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve" });
  });

  it("grants the exact statement by default, its shape only when asked, and refuses an exact grant of a statement the gateway could not digest", async () => {
    const exact = await addRequest({ fingerprint: "exact1" });
    await decideApproval(db, { requestId: exact.id, reviewer: RITA, decision: "approve", grantMinutes: 5 });
    const shape = await addRequest({ fingerprint: "shape1" });
    const voted = await decideApproval(db, { requestId: shape.id, reviewer: RITA, decision: "approve", grantMinutes: 5, grantScope: "fingerprint" });
    expect(voted.votes).toEqual([expect.objectContaining({ grantMinutes: 5, grantScope: "fingerprint" })]);
    const grants = await listGrants(db, { activeOnly: true });
    expect(grants.find((g) => g.requestId === exact.id)).toMatchObject({ scope: "statement" });
    expect(grants.find((g) => g.requestId === shape.id)).toMatchObject({ scope: "fingerprint" });
    const [audited] = await db.select().from(auditEvents).where(eq(auditEvents.action, "approval_grant.create"));
    expect(audited.after).toHaveProperty("scope");

    const undigested = await addRequest({ fingerprint: "nodigest", classification: { kind: "write", command: "DeleteStmt", flags: [], relations: [] } });
    await expect(decideApproval(db, { requestId: undigested.id, reviewer: RITA, decision: "approve", grantMinutes: 5 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/cannot be granted exactly/) });
    await expect(decideApproval(db, { requestId: undigested.id, reviewer: RITA, decision: "approve", grantMinutes: 5, grantScope: "everything" as never })).rejects.toMatchObject({ status: 400 });
    await decideApproval(db, { requestId: undigested.id, reviewer: RITA, decision: "approve", grantMinutes: 5, grantScope: "fingerprint" });
    for (const g of await listGrants(db, { activeOnly: true })) if ([exact.id, shape.id, undigested.id].includes(g.requestId!)) await revokeGrant(db, RITA.email, g.id);
  });

  it("creates no grant unless every approving reviewer offered one", async () => {
    const r = await addRequest({ minApprovals: 2, fingerprint: "def456" });
    await decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve", grantMinutes: 30 });
    await decideApproval(db, { requestId: r.id, reviewer: SAM, decision: "approve" });
    expect((await listGrants(db)).some((g) => g.requestId === r.id)).toBe(false);
  });

  it("lets one rejection reject, with the reviewer's comment", async () => {
    const r = await addRequest({ minApprovals: 2 });
    await decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve" });
    const rejected = await decideApproval(db, { requestId: r.id, reviewer: SAM, decision: "reject", comment: "  not during the sale  " });
    expect(rejected).toMatchObject({ status: "rejected", decidedBy: SAM.email, decisionComment: "not during the sale" });
    expect(await actionsOn(r.id)).toEqual(["approval.vote", "approval.reject"]);
  });

  it("refuses votes on an expired request and records it as timed out, even with no worker left to do so", async () => {
    const r = await addRequest({ createdAt: new Date(Date.now() - 20 * 60_000), expiresAt: new Date(Date.now() - 60_000) });
    expect((await getApprovalRequest(db, r.id)).status).toBe("timed_out");
    await expect(decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve" })).rejects.toMatchObject({ status: 409, message: /expired/ });
    const [row] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, r.id));
    expect(row.status).toBe("timed_out");
    expect(await actionsOn(r.id)).toEqual(["approval.timeout"]);
  });

  it("lists pending, decided and all requests newest first, a page at a time", async () => {
    const pending = await listApprovalRequests(db, { status: "pending" });
    expect(pending.items.every((r) => r.status === "pending")).toBe(true);
    const decided = await listApprovalRequests(db, { status: "decided" });
    expect(decided.items.every((r) => r.status !== "pending")).toBe(true);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listApprovalRequests(db, { status: "all", limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      all.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const stored = await db.select({ id: approvalRequests.id }).from(approvalRequests);
    expect(all.sort()).toEqual(stored.map((r) => r.id).sort());
    expect(new Set([...pending.items, ...decided.items].map((r) => r.id)).size).toBe(stored.length);
    expect(await listApprovalRequests(db, { status: "all", cursor: "garbage!" }).then((p) => p.items.length)).toBeGreaterThan(0);
  });

  it("revokes a grant once, audited; revoking again changes nothing", async () => {
    const [grant] = await listGrants(db, { activeOnly: true });
    const revoked = await revokeGrant(db, RITA.email, grant.id);
    expect(revoked).toMatchObject({ status: "revoked", revokedBy: RITA.email });
    expect((await revokeGrant(db, SAM.email, grant.id)).revokedBy).toBe(RITA.email);
    expect((await listGrants(db, { activeOnly: true })).find((g) => g.id === grant.id)).toBeUndefined();
    expect(await actionsOn(grant.id)).toEqual(["approval_grant.create", "approval_grant.revoke"]);
    await expect(revokeGrant(db, RITA.email, randomUUID())).rejects.toMatchObject({ status: 404 });
  });

  it("finds a terminal reviewer's groups from their last console sign-in", async () => {
    expect(await findReviewer(db, " SAM@example.com ")).toEqual({ email: SAM.email, groups: ["reviewer", "dba"] });
    await expect(findReviewer(db, "nobody@example.com")).rejects.toMatchObject({ status: 403, message: /never signed in/ });
  });

  it("tells the webhook about decisions in Slack's format; a failing webhook does not undo the decision", async () => {
    const r = await addRequest({ sql: "delete from orders where <secret> & 1" });
    await decideApproval(db, { requestId: r.id, reviewer: RITA, decision: "approve" }, { webhookUrl: hookUrl, publicUrl: "https://warden.example.com" });
    const [message] = posted.splice(0);
    expect(message.body.text).toBe(`Warden: a statement by ${DEV.email} (human) on orders was approved: https://warden.example.com/approvals/${r.id}`);
    expect(JSON.stringify(message.body.blocks)).toContain("delete from orders where &lt;secret&gt; &amp; 1");
    expect(JSON.stringify(message.body.blocks)).toContain(`Decided by ${RITA.email}`);

    hookStatus = 500;
    const errors: string[] = [];
    const other = await addRequest();
    const decided = await decideApproval(db, { requestId: other.id, reviewer: RITA, decision: "reject" }, { webhookUrl: hookUrl, onWebhookError: (e) => errors.push(e.message) });
    expect(decided.status).toBe("rejected");
    expect(errors).toEqual(["webhook answered 500 Internal Server Error"]);
    expect((await db.select().from(approvalRequests).where(inArray(approvalRequests.id, [other.id])))[0].status).toBe("rejected");
  });
});
