import { randomBytes, randomUUID } from "node:crypto";
import { desc, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCheckpoints, auditEvents, eventSinks, sessions, statements } from "@/drizzle/schema";
import { chainAuditEvents, EMPTY_CHAIN, type ChainHead } from "@/lib/audit/append-event";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { runRetention } from "./run-retention";

const DAY = 86_400_000;
const now = new Date();
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
const secretKey = randomBytes(32);

/** Appends events with the given times, in order, chained after the trail's head (as the chainer would, clocks and all). */
async function appendAt(db: Db, times: Date[]) {
  await db.transaction(async (tx) => {
    const [last] = await tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
    const head: ChainHead = last ?? EMPTY_CHAIN;
    const rows = chainAuditEvents(times.map((occurredAt, i) => ({ actor: "gw", action: "test.event", targetType: "thing", targetId: String(head.seq + i + 1), occurredAt })), head);
    await tx.insert(auditEvents).values(rows);
  });
}

async function partitionsOf(db: Db, table: string): Promise<string[]> {
  const { rows } = await db.execute<{ name: string }>(sql`select relid::regclass::text as name from pg_partition_tree(${table}::regclass) where isleaf order by 1`);
  return rows.map((r) => r.name);
}

async function addSession(db: Db, startedAt: Date, endedAt: Date | null) {
  const id = randomUUID();
  await db.insert(sessions).values({ id, connectionName: "orders", userName: "dev@example.com", actorKind: "agent", authMethod: "token", clientAddress: "127.0.0.1", isTls: true, protocolVersion: "3.0", gatewayInstance: "test", recordingMode: "strict", startedAt, endedAt });
  return id;
}

async function addStatement(db: Db, sessionId: string, seq: number, receivedAt: Date) {
  await db.insert(statements).values({ id: randomUUID(), sessionId, seq, protocol: "simple", sql: `select ${seq}`, kind: "read", command: "SELECT", receivedAt, rows: [["1"]] });
}

describe("retention over time partitions", () => {
  let db: Db;
  let oldSession: string;
  let newSession: string;
  beforeAll(async () => {
    db = createDb(await createTestStore());
    // #1-#5 a hundred days ago; #6 two days ago; #7 a straggler stamped a hundred days ago by a gateway's clock; #8-#10 today.
    await appendAt(db, [daysAgo(100), daysAgo(100), daysAgo(100), daysAgo(99), daysAgo(99), daysAgo(2), daysAgo(100), now, now, now]);
    oldSession = await addSession(db, daysAgo(100), daysAgo(99));
    newSession = await addSession(db, daysAgo(100), null);
    for (let i = 1; i <= 3; i++) await addStatement(db, oldSession, i, daysAgo(100));
    await addStatement(db, newSession, 1, daysAgo(100));
    await addStatement(db, newSession, 2, now);
  });
  afterAll(() => db.$client.end());

  it("the migration made daily partitions for the coming days and a DEFAULT one; old days' rows sit in DEFAULT", async () => {
    const parts = await partitionsOf(db, "statements");
    const today = now.toISOString().slice(0, 10).replaceAll("-", "");
    expect(parts).toContain("statements_default");
    expect(parts).toContain(`statements_p${today}`);
    expect(parts.filter((p) => /_p\d{8}$/.test(p))).toHaveLength(8);
    expect(await partitionsOf(db, "audit_events")).toContain(`audit_events_p${today}`);
    const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from statements_default`);
    expect(rows[0].n).toBe(4);
  });

  it("a dry run reports the drop and changes nothing", async () => {
    const result = await runRetention(db, { secretKey, retentionDays: 90, now, isDryRun: true });
    expect(result).toMatchObject({ isDryRun: true, isBusy: false, sessionsDeleted: 1 });
    expect(result.statements.rows).toBe(4);
    expect(result.auditEvents.rows).toBe(6);
    expect(await db.$count(statements)).toBe(5);
    expect(await db.$count(auditEvents)).toBe(10);
    expect(await db.$count(auditCheckpoints)).toBe(0);
    expect(await partitionsOf(db, "statements")).not.toContain(`statements_p${daysAgo(100).toISOString().slice(0, 10).replaceAll("-", "")}`);
  });

  it("moves DEFAULT rows into their days' partitions, drops expired days, checkpoints, and audits the drop", async () => {
    const result = await runRetention(db, { secretKey, retentionDays: 90, now });
    const day100 = `p${daysAgo(100).toISOString().slice(0, 10).replaceAll("-", "")}`;
    expect(result.created).toContainEqual({ name: `statements_${day100}`, movedRows: 4 });
    expect(result.created).toContainEqual({ name: `audit_events_${day100}`, movedRows: 4 });
    expect(result.statements.dropped.map((p) => p.name)).toEqual([`statements_${day100}`]);
    expect(result.statements.rows).toBe(4);
    expect(result.auditEvents.rows).toBe(6);
    expect(result.auditEvents.seqRuns.map((r) => [r.fromSeq, r.toSeq])).toEqual([
      [1, 5],
      [7, 7],
    ]);
    expect(result.sessionsDeleted).toBe(1);
    expect(result.heldBack).toEqual([]);

    expect(await partitionsOf(db, "statements")).not.toContain(`statements_${day100}`);
    expect(await db.$count(statements)).toBe(1);
    const { rows: left } = await db.execute<{ n: number }>(sql`select count(*)::int as n from statements_default`);
    expect(left[0].n).toBe(0);
    expect((await db.select({ id: sessions.id }).from(sessions)).map((s) => s.id)).toEqual([newSession]);

    // The drop's own event: #11, after the kept #10.
    const [event] = await db.select().from(auditEvents).where(sql`action = 'retention.drop'`);
    expect(event.seq).toBe(11);
    expect(event.details).toMatchObject({ retentionDays: 90, sessionsDeleted: 1, statements: { rows: 4 }, auditEvents: { rows: 6, checkpointId: result.auditEvents.checkpointId } });

    const [checkpoint] = await db.select().from(auditCheckpoints);
    expect(checkpoint).toMatchObject({ firstKeptSeq: 6, gaps: [{ fromSeq: 1, toSeq: 5 }, { fromSeq: 7, toSeq: 7 }] });
  });

  it("verifies the kept chain from the checkpoint, across the straggler's hole, and says which range", async () => {
    const report = await verifyAuditChain(db, { secretKey, pageSize: 2 });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ isIntact: true, checked: 5, lastSeq: 11 });
    expect(report.range).toMatchObject({ firstSeq: 6, lastSeq: 11, firstOccurredAt: daysAgo(2).toISOString(), anchor: { kind: "checkpoint", isSignatureValid: true } });
  });

  it("a second pass has nothing to do and leaves no event", async () => {
    const result = await runRetention(db, { secretKey, retentionDays: 90, now });
    expect(result).toMatchObject({ created: [], statements: { rows: 0 }, auditEvents: { rows: 0 }, sessionsDeleted: 0, auditSeq: null });
  });

  it("a later drop merges into the checkpoint, and the chain still verifies", async () => {
    const later = new Date(now.getTime() + 3 * DAY);
    // Two days ago is now older than 4 days back from `later`.
    const result = await runRetention(db, { secretKey, retentionDays: 4, now: later });
    expect(result.auditEvents.seqRuns.map((r) => [r.fromSeq, r.toSeq])).toEqual([[6, 6]]);
    const [checkpoint] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
    expect(checkpoint).toMatchObject({ firstKeptSeq: 8, gaps: [{ fromSeq: 1, toSeq: 7 }] });
    const report = await verifyAuditChain(db, { secretKey });
    expect(report.problems).toEqual([]);
    expect(report.range).toMatchObject({ firstSeq: 8, lastSeq: 12, anchor: { kind: "checkpoint", checkpointId: checkpoint.id } });
  });

  it("a checkpoint checked without the key, or forged, is a problem; so is a missing one", async () => {
    expect((await verifyAuditChain(db)).problems).toEqual([{ seq: 8, problem: "checkpoint", detail: expect.stringContaining("without WARDEN_SECRET_KEY") }]);

    const [real] = await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
    // A forger who deleted #8 and wants the trail to start at #9.
    await db.insert(auditCheckpoints).values({ droppedBefore: now, firstKeptSeq: 9, gaps: [{ fromSeq: 1, toSeq: 8, linkHash: "0".repeat(64) }], signature: "ab".repeat(32) });
    const forged = await verifyAuditChain(db, { secretKey });
    expect(forged.isIntact).toBe(false);
    expect(forged.problems[0]).toMatchObject({ problem: "checkpoint", detail: expect.stringContaining("does not verify") });
    await db.delete(auditCheckpoints).where(sql`id > ${real.id}`);

    await db.delete(auditCheckpoints);
    const missing = await verifyAuditChain(db, { secretKey });
    expect(missing.range.anchor).toEqual({ kind: "genesis" });
    expect(missing.problems[0]).toMatchObject({ seq: 8, problem: "gap" });
    const { id: _id, ...restored } = real;
    await db.insert(auditCheckpoints).values(restored);
    expect((await verifyAuditChain(db, { secretKey })).isIntact).toBe(true);
  });

  it("still finds a kept event that was altered", async () => {
    await db.execute(sql`update audit_events set actor = 'mallory' where seq = 9`);
    const report = await verifyAuditChain(db, { secretKey });
    expect(report.problems).toEqual([{ seq: 9, problem: "altered", detail: expect.any(String) }]);
  });
});

describe("retention and event sinks", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
    await appendAt(db, [daysAgo(40), daysAgo(40), daysAgo(39), now]);
  });
  afterAll(() => db.$client.end());

  it("holds back audit partitions a live sink has not delivered, and lets them go once it is dead", async () => {
    await db.insert(eventSinks).values({ name: "siem", kind: "stdout", createdBy: "admin", deliveredSeq: 2 });
    const held = await runRetention(db, { secretKey, retentionDays: 30, now });
    // The day 40 days back (#1, #2) was delivered and goes; the day 39 days back (#3) waits for the sink.
    expect(held.auditEvents.seqRuns.map((r) => [r.fromSeq, r.toSeq])).toEqual([[1, 2]]);
    expect(held.heldBack).toEqual([{ partition: expect.stringMatching(/^audit_events_p\d{8}$/), reason: expect.stringContaining("#2") }]);
    expect(await db.$count(auditEvents, sql`seq = 3`)).toBe(1);

    await db.update(eventSinks).set({ state: "dead" });
    const released = await runRetention(db, { secretKey, retentionDays: 30, now });
    expect(released.heldBack).toEqual([]);
    expect(released.auditEvents.seqRuns.map((r) => [r.fromSeq, r.toSeq])).toEqual([[3, 3]]);
    const report = await verifyAuditChain(db, { secretKey });
    expect(report.problems).toEqual([]);
    expect(report.range).toMatchObject({ firstSeq: 4, anchor: { kind: "checkpoint" } });
  });

  it("refuses to run twice at once", async () => {
    const client = await db.$client.connect();
    try {
      await client.query("select pg_advisory_lock(7341010)");
      expect(await runRetention(db, { secretKey, retentionDays: 30, now })).toMatchObject({ isBusy: true });
    } finally {
      await client.query("select pg_advisory_unlock(7341010)");
      client.release();
    }
  });
});

describe("retention that drops the newest events too", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
    await appendAt(db, [now, now, daysAgo(200), daysAgo(200)]);
  });
  afterAll(() => db.$client.end());

  it("chains its retention.drop event after the dropped head, bridged by the checkpoint", async () => {
    const result = await runRetention(db, { secretKey, retentionDays: 90, now });
    expect(result.auditEvents.seqRuns.map((r) => [r.fromSeq, r.toSeq])).toEqual([[3, 4]]);
    expect(result.auditSeq).toBe(5);
    const report = await verifyAuditChain(db, { secretKey });
    expect(report.problems).toEqual([]);
    expect(report.range).toMatchObject({ firstSeq: 1, lastSeq: 5, anchor: { kind: "checkpoint" } });
  });
});
