import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, sessions, statements, unchainedAuditEvents } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { chainWaitingAuditEvents } from "@/lib/audit/chain-waiting-events";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { AUDIT_CSV_HEADER, exportAuditEvents } from "./export-audit-events";
import { listAuditEvents } from "./list-audit-events";

/** The audit log's statement rows, session links, SQL search and exports, over events chained as in production. */
describe("audit log: statements inline, session links, search and export (real PostgreSQL)", () => {
  let db: Db;
  const sessionId = randomUUID();
  const requestId = randomUUID();
  const heldId = randomUUID();
  // Starts with "-": a spreadsheet would read it as a formula unless the export defuses it.
  const trickySql = `-- =HYPERLINK("http://evil")\nselect pg_read_file('/etc/passwd'), 'a,b'`;

  beforeAll(async () => {
    db = createDb(await createTestStore(), { max: 2 });
    const startedAt = new Date();
    await db.insert(sessions).values({ id: sessionId, connectionName: "orders", userName: "dev@example.com", actorKind: "agent", agentName: "claude-code", authMethod: "token", clientAddress: "127.0.0.1", isTls: true, protocolVersion: "3.0", gatewayInstance: "test", recordingMode: "strict", startedAt });
    await db.transaction((tx) => appendAuditEvent(tx, { actor: "admin@example.com", action: "connection.create", targetType: "connection", targetId: "c1", targetName: "orders" }));
    await db.insert(unchainedAuditEvents).values({ actor: "dev@example.com", action: "gateway.session.start", targetType: "session", targetId: sessionId, targetName: "orders" });
    const rows = [
      { id: randomUUID(), seq: 1, sql: "select 1", decision: "forward" as const, status: "ok" as const },
      { id: randomUUID(), seq: 2, sql: trickySql, decision: "block" as const, status: "blocked" as const },
      { id: heldId, seq: 3, sql: "delete from orders", decision: "hold" as const, status: "ok" as const },
    ];
    for (const r of rows) {
      await db.insert(statements).values({ ...r, sessionId, protocol: "simple", kind: "read", command: "SELECT", receivedAt: new Date() });
      await db.insert(unchainedAuditEvents).values({ statementId: r.id, action: "gateway.statement", targetType: "session", targetId: sessionId, details: { status: r.status } });
    }
    await chainWaitingAuditEvents(db.$client);
    await db.insert(approvalRequests).values({ id: requestId, connectionName: "orders", sessionId, statementId: heldId, requester: "dev@example.com", actorKind: "agent", protocol: "simple", sql: "delete from orders", classification: {}, ruleId: "r1", ruleName: "deletes", reviewerGroups: ["reviewer"], expiresAt: new Date(Date.now() + 60_000) });
    await db.transaction((tx) => appendAuditEvent(tx, { actor: "rita@example.com", action: "approval.approve", targetType: "approval_request", targetId: requestId, targetName: "orders" }));
  });
  afterAll(() => db?.$client.end());

  it("shows statement events' SQL and decision, and links every session event to its session or statement", async () => {
    const { events } = await listAuditEvents(db, {});
    const byAction = (action: string) => events.filter((e) => e.action === action);
    expect(byAction("connection.create")[0]).toMatchObject({ session: null, statement: null });
    expect(byAction("gateway.session.start")[0]).toMatchObject({ session: { sessionId, seq: null }, statement: null });
    const statementEvents = byAction("gateway.statement").sort((a, b) => a.seq - b.seq);
    expect(statementEvents.map((e) => e.session)).toEqual([1, 2, 3].map((seq) => ({ sessionId, seq })));
    expect(statementEvents[1].statement).toEqual({ sql: trickySql, decision: "block", status: "blocked" });
    // An approval event names its request: the link goes through the request to the held statement.
    expect(byAction("approval.approve")[0]).toMatchObject({ session: { sessionId, seq: 3 }, statement: null });
  });

  it("searches statement SQL with q, escaping LIKE's wildcards", async () => {
    const found = await listAuditEvents(db, { q: "PG_READ_FILE" });
    expect(found.events.map((e) => [e.action, e.session?.seq])).toEqual([["gateway.statement", 2]]);
    expect((await listAuditEvents(db, { q: "pg%file" })).events).toEqual([]);
    expect((await listAuditEvents(db, { q: "orders" })).events.length).toBeGreaterThan(1);
  });

  const collect = async (gen: AsyncGenerator<string>) => {
    let text = "";
    for await (const chunk of gen) text += chunk;
    return text;
  };

  it("exports the filtered events as RFC 4180 CSV with formula-looking cells defused", async () => {
    const csv = await collect(exportAuditEvents(db, { action: "gateway.statement" }, "csv"));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(","));
    expect(csv.endsWith("\r\n")).toBe(true);
    // Header + 3 events; the tricky SQL's line break stays inside its quoted cell.
    expect(csv.match(/\r\n/g)).toHaveLength(4);
    expect(csv).toContain(`,${sessionId},2,"'-- =HYPERLINK(""http://evil"")\nselect pg_read_file('/etc/passwd'), 'a,b'",block,`);
    expect(csv).not.toContain("connection.create");
    expect(csv).toMatch(/,[0-9a-f]{64}\r\n$/);
  });

  it("exports JSON lines, oldest first, with hashes, honouring the search", async () => {
    const jsonl = await collect(exportAuditEvents(db, { q: "pg_read_file" }, "jsonl"));
    const lines = jsonl.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ action: "gateway.statement", sessionId, statementSeq: 2, details: { sql: trickySql, decision: "block" }, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const all = (await collect(exportAuditEvents(db, {}, "jsonl"))).trimEnd().split("\n").map((l) => JSON.parse(l) as { seq: number });
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
    expect(all).toHaveLength(6);
  });
});
