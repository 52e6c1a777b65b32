import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions, statements } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { GENESIS_HASH, hashEvent } from "@/lib/audit/hash-chain";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import type { RecordItem, StatementFinishRow } from "./records";
import { createRecordWriter } from "./write-record-batch";

const audit = (action: string, targetId: string) => ({ actor: "alice", action, targetType: "session", targetId, details: { z: 1, a: [2] } });

function sessionStart(id: string): RecordItem {
  return {
    type: "session.start",
    row: { id, connectionName: "c", userName: "alice", actorKind: "human", authMethod: "token", clientAddress: "127.0.0.1", isTls: false, protocolVersion: "3.0", gatewayInstance: "test", recordingMode: "strict", startedAt: new Date() },
    audit: audit("gateway.session.start", id),
  };
}
function begin(sessionId: string, seq: number, id = randomUUID()): RecordItem {
  return { type: "statement.begin", row: { id, sessionId, seq, protocol: "simple", sql: `select ${seq}`, kind: "read", command: "SELECT", receivedAt: new Date() }, audit: audit("gateway.statement", sessionId) };
}
function finish(sessionId: string, id: string, status: StatementFinishRow["status"] = "ok"): RecordItem {
  return {
    type: "statement.finish",
    row: { id, sessionId, status, finishedAt: new Date(), durationMs: 1, commandTag: "SELECT 1", rowCount: 1, errorCode: null, errorMessage: null, columns: [], rows: [["1"]], rowsTruncated: false, resultRowCount: 1, maskedColumns: null },
  };
}

describe("writeRecordBatch", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
  });
  afterAll(() => db.$client.end());

  it("writes many sessions' statements in one batch, folding outcomes and counters into it", async () => {
    const write = createRecordWriter(db.$client);
    const [s1, s2] = [randomUUID(), randomUUID()];
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await write([sessionStart(s1), begin(s1, 1, ids[0]), finish(s1, ids[0], "error")]);
    // A later batch: outcomes of earlier statements are updates; a new session is folded whole.
    await write([finish(s1, ids[0], "ok"), begin(s1, 2, ids[1]), sessionStart(s2), begin(s2, 1, ids[2]), finish(s2, ids[2]), { type: "session.end", row: { id: s2, endedAt: new Date(), endReason: "client_terminated" }, audit: audit("gateway.session.end", s2) }]);
    const rows = await db.select().from(statements).orderBy(asc(statements.receivedAt));
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [ids[0], "ok"],
      [ids[1], "running"],
      [ids[2], "ok"],
    ]);
    expect(rows[2].rows).toEqual([["1"]]);
    const [a] = await db.select().from(sessions).where(eq(sessions.id, s1));
    const [b] = await db.select().from(sessions).where(eq(sessions.id, s2));
    expect([a.statementCount, a.errorCount, a.endedAt]).toEqual([2, 1, null]);
    expect([b.statementCount, b.errorCount, b.endReason]).toEqual([1, 0, "client_terminated"]);
  });

  it("keeps the audit chain gap-free and valid with other appenders and a second writer in between", async () => {
    const write = createRecordWriter(db.$client);
    const other = createRecordWriter(db.$client);
    const sid = randomUUID();
    await write([sessionStart(sid)]);
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const batch = Array.from({ length: 5 }, (_, j) => begin(sid, 100 + i * 10 + j));
      jobs.push((i % 3 === 0 ? other : write)(batch));
      jobs.push(db.transaction((tx) => appendAuditEvent(tx, { actor: "console", action: "test.change", targetType: "thing", targetId: String(i) })));
    }
    // Writers and console appenders all race: stale chain heads must be caught and written again, never forked.
    await Promise.all(jobs);
    const events = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
    expect(events.filter((e) => e.action === "gateway.statement" && e.targetId === sid)).toHaveLength(50);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    let prev = GENESIS_HASH;
    for (const e of events) {
      expect(e.prevHash).toBe(prev);
      const { hash, prevHash, occurredAt, ...rest } = e;
      expect(hashEvent(prevHash, { ...rest, occurredAt: occurredAt.toISOString() })).toBe(hash);
      prev = hash;
    }
  });
});
