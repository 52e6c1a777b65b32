import { createHash, randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions, statements, unchainedAuditEvents } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { appendAuditEvent } from "./append-event";
import { chainWaitingAuditEvents, countWaitingAuditEvents } from "./chain-waiting-events";
import { verifyAuditChain } from "./verify-chain";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

describe("chainWaitingAuditEvents", () => {
  let db: Db;
  let sessionId: string;
  beforeAll(async () => {
    db = createDb(await createTestStore());
    sessionId = randomUUID();
    await db.insert(sessions).values({ id: sessionId, connectionName: "orders", userName: "dev@example.com", actorKind: "agent", authMethod: "token", clientAddress: "127.0.0.1", isTls: true, protocolVersion: "3.0", gatewayInstance: "test", recordingMode: "strict", startedAt: new Date() });
  });
  afterAll(() => db.$client.end());

  /** What the gateway writes for a statement: its row, and an unchained event naming it. */
  async function recordStatement(seq: number, sqlText: string, status = "forwarded") {
    const id = randomUUID();
    const params = seq % 2 ? [{ format: "text" as const, value: String(seq), typeOid: 23 }] : null;
    await db.insert(statements).values({ id, sessionId, seq, protocol: "extended", sql: sqlText, params, kind: "read", command: "SELECT", receivedAt: new Date() });
    await db.insert(unchainedAuditEvents).values({ statementId: id, action: "gateway.statement", targetType: "session", targetId: sessionId, details: { status } });
    return id;
  }

  it("chains waiting events after the console's, in order, completing statements' events from their rows", async () => {
    await db.transaction((tx) => appendAuditEvent(tx, { actor: "admin@example.com", action: "connection.create", targetType: "connection", targetId: "c1" }));
    await db.insert(unchainedAuditEvents).values({ actor: "dev@example.com", action: "gateway.session.start", targetType: "session", targetId: sessionId, targetName: "orders", details: { b: 1, a: 2 } });
    const long = `select '${"x".repeat(2500)}'`;
    const first = await recordStatement(1, "select $1::int");
    const second = await recordStatement(2, long, "blocked");
    expect(await countWaitingAuditEvents(db.$client)).toBe(3);

    expect(await chainWaitingAuditEvents(db.$client)).toEqual({ chained: 3, isBusy: false });
    expect(await countWaitingAuditEvents(db.$client)).toBe(0);
    const events = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
    expect(events.map((e) => [e.seq, e.action])).toEqual([
      [1, "connection.create"],
      [2, "gateway.session.start"],
      [3, "gateway.statement"],
      [4, "gateway.statement"],
    ]);
    expect(events[2]).toMatchObject({ actor: "dev@example.com", targetType: "session", targetId: sessionId, targetName: "orders" });
    expect(events[2].details).toEqual({
      statementId: first,
      seq: 1,
      protocol: "extended",
      kind: "read",
      decision: "forward",
      status: "forwarded",
      sql: "select $1::int",
      sqlSha256: sha256("select $1::int"),
      paramsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(events[3].details).toMatchObject({ statementId: second, status: "blocked", sql: `${long.slice(0, 2000)}…`, sqlSha256: sha256(long), paramsSha256: null });
    expect(await verifyAuditChain(db)).toMatchObject({ isIntact: true, checked: 4, waiting: 0 });
  });

  it("never forks the chain: racing chainers take turns (the others say the chain is busy), console writers interleave", async () => {
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      jobs.push(recordStatement(100 + i, `select ${i}`));
      jobs.push(db.transaction((tx) => appendAuditEvent(tx, { actor: "console", action: "test.change", targetType: "thing", targetId: String(i) })));
      jobs.push(chainWaitingAuditEvents(db.$client, { limit: 3 }));
    }
    await Promise.all(jobs);
    // Whatever the race left waiting.
    while ((await chainWaitingAuditEvents(db.$client)).chained > 0) {}

    const report = await verifyAuditChain(db);
    expect(report).toMatchObject({ isIntact: true, waiting: 0, problems: [] });
    const statementEvents = await db.select().from(auditEvents).where(eq(auditEvents.action, "gateway.statement"));
    expect(statementEvents).toHaveLength(2 + 12);
    expect(new Set(statementEvents.map((e) => (e.details as { statementId: string }).statementId)).size).toBe(14);
  });

  it("reports busy while a console transaction holds the chain, and chains once it commits", async () => {
    await recordStatement(200, "select 200");
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let isLocked!: () => void;
    const locked = new Promise<void>((r) => (isLocked = r));
    const console = db.transaction(async (tx) => {
      await appendAuditEvent(tx, { actor: "admin", action: "test.slow_change", targetType: "thing" });
      isLocked();
      await held;
    });
    await locked;
    expect(await chainWaitingAuditEvents(db.$client)).toEqual({ chained: 0, isBusy: true });
    expect((await verifyAuditChain(db)).waiting).toBe(1);
    release();
    await console;
    expect(await chainWaitingAuditEvents(db.$client)).toEqual({ chained: 1, isBusy: false });
    expect(await verifyAuditChain(db)).toMatchObject({ isIntact: true, waiting: 0 });
  });
});
