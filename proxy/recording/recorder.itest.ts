import { randomUUID } from "node:crypto";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions, statements } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import type { Logger } from "../log";
import { Recorder, type RecordingMode } from "./recorder";
import type { StatementBeginRow, StatementFinishRow } from "./records";

const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };

const startRow = (id: string, mode: RecordingMode) => ({
  id,
  connectionName: "orders",
  userName: "dev@example.com",
  actorKind: "human" as const,
  authMethod: "token" as const,
  clientAddress: "127.0.0.1",
  isTls: false,
  protocolVersion: "3.0",
  gatewayInstance: "test",
  recordingMode: mode,
  startedAt: new Date(),
});
const startAudit = (id: string) => ({ actor: "dev@example.com", action: "gateway.session.start", targetType: "session", targetId: id, targetName: "orders" });
const beginRow = (sessionId: string, seq: number, status?: "blocked"): StatementBeginRow => ({ id: randomUUID(), sessionId, seq, protocol: "simple", sql: `select ${seq}`, kind: "read", command: "SELECT", receivedAt: new Date(), status });
const finishRow = (b: StatementBeginRow, status: StatementFinishRow["status"] = "ok"): StatementFinishRow => ({
  id: b.id,
  sessionId: b.sessionId,
  receivedAt: b.receivedAt,
  status,
  finishedAt: new Date(),
  durationMs: 0.1,
  commandTag: status === "ok" ? "SELECT 1" : null,
  rowCount: status === "ok" ? 1 : null,
  errorCode: status === "error" ? "42P01" : null,
  errorMessage: status === "error" ? "nope" : null,
  columns: null,
  rows: [[String(b.seq)]],
  rowsTruncated: false,
  resultRowCount: 1,
  maskedColumns: null,
});

describe("Recorder", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
  });
  afterAll(() => db.$client.end());

  for (const mode of ["strict", "async"] as const) {
    it(`${mode}: records concurrent sessions in order, with their counts at the end and every event chained`, async () => {
      const recorder = new Recorder(db, { mode, log, lanes: 3, countsIntervalMs: 20, chainDelayMs: 10 });
      const ids = Array.from({ length: 8 }, () => randomUUID());
      const begun = new Map<string, StatementBeginRow[]>();
      await Promise.all(
        ids.map(async (sid) => {
          await recorder.startSession(startRow(sid, mode), startAudit(sid));
          const rows: StatementBeginRow[] = [];
          for (let seq = 1; seq <= 25; seq++) {
            // Every fifth is blocked by policy: recorded, not run, counted as an error.
            const batch = seq % 5 === 0 ? [beginRow(sid, seq, "blocked")] : [beginRow(sid, seq)];
            await recorder.beginStatements(batch.map((row) => ({ row })));
            rows.push(...batch);
            if (batch[0].status !== "blocked") {
              await new Promise((r) => setImmediate(r));
              recorder.finishStatement(finishRow(batch[0], seq % 7 === 0 ? "error" : "ok"));
            }
          }
          begun.set(sid, rows);
          // Straight after the last outcome: it must not overtake it.
          recorder.endSession({ id: sid, endedAt: new Date(), endReason: "client_terminated" }, { ...startAudit(sid), action: "gateway.session.end" });
        }),
      );
      await recorder.close(20_000);

      const recorded = await db.select().from(sessions).where(inArray(sessions.id, ids));
      expect(recorded).toHaveLength(8);
      // 25 statements each: 5 blocked, 3 errors (7, 14, 21).
      for (const s of recorded) expect([s.statementCount, s.errorCount, s.endReason]).toEqual([25, 8, "client_terminated"]);
      const rows = await db.select().from(statements).where(inArray(statements.sessionId, ids)).orderBy(asc(statements.seq));
      expect(rows).toHaveLength(8 * 25);
      expect(rows.filter((r) => r.status === "running")).toEqual([]);
      expect(rows.filter((r) => r.status === "blocked")).toHaveLength(8 * 5);

      const events = await db.select().from(auditEvents).where(inArray(auditEvents.targetId, ids)).orderBy(asc(auditEvents.seq));
      for (const sid of ids) {
        const mine = events.filter((e) => e.targetId === sid);
        expect(mine.map((e) => e.action)).toEqual(["gateway.session.start", ...Array(25).fill("gateway.statement"), "gateway.session.end"]);
        expect(mine.slice(1, -1).map((e) => (e.details as { seq: number }).seq)).toEqual(begun.get(sid)!.map((b) => b.seq));
      }
      expect(await verifyAuditChain(db)).toMatchObject({ isIntact: true, waiting: 0 });
    });
  }

  it("keeps several group commits in flight: one session's stuck batch does not hold up another's", async () => {
    const recorder = new Recorder(db, { mode: "strict", log, lanes: 2 });
    const [stuck, free] = [randomUUID(), randomUUID()];
    await recorder.startSession(startRow(stuck, "strict"), startAudit(stuck));
    await recorder.startSession(startRow(free, "strict"), startAudit(free));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let isLocked!: () => void;
    const locked = new Promise<void>((r) => (isLocked = r));
    // Someone holds the stuck session's row, and the audit chain: its end cannot commit until they let go.
    const holder = db.transaction(async (tx) => {
      await tx.select().from(sessions).where(eq(sessions.id, stuck)).for("update");
      await appendAuditEvent(tx, { actor: "admin", action: "test.slow_change", targetType: "thing" });
      isLocked();
      await held;
    });
    await locked;
    try {
      recorder.endSession({ id: stuck, endedAt: new Date(), endReason: "client_terminated" }, { ...startAudit(stuck), action: "gateway.session.end" });
      await new Promise((r) => setTimeout(r, 100));
      const durable = recorder.beginStatements([{ row: beginRow(free, 1) }])!.then(() => "durable");
      const waited = new Promise((r) => setTimeout(() => r("waited"), 5000));
      expect(await Promise.race([durable, waited])).toBe("durable");
    } finally {
      release();
      await holder;
    }
    await recorder.close(10_000);
    const [ended] = await db.select().from(sessions).where(eq(sessions.id, stuck));
    expect(ended.endReason).toBe("client_terminated");
  });
});
