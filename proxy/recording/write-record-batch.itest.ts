import { randomUUID } from "node:crypto";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements, unchainedAuditEvents } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import type { RecordItem, StatementFinishRow } from "./records";
import pg from "pg";
import { BATCH_STATEMENT_NAME, batchParameters, createRecordWriter, RECORDING_PLANNER_OPTIONS } from "./write-record-batch";

const audit = (action: string, targetId: string) => ({ actor: "alice", action, targetType: "session", targetId, details: { z: 1, a: [2] } });

function sessionStart(id: string): RecordItem {
  return {
    type: "session.start",
    row: { id, connectionName: "c", userName: "alice", actorKind: "human", authMethod: "token", clientAddress: "127.0.0.1", isTls: false, protocolVersion: "3.0", gatewayInstance: "test", recordingMode: "strict", startedAt: new Date() },
    audit: audit("gateway.session.start", id),
  };
}
/** When each begun statement was received: its finish carries it, as the gateway's does (the row's key with the id). */
const receivedAts = new Map<string, Date>();
function begin(sessionId: string, seq: number, id = randomUUID(), status?: "blocked"): RecordItem {
  const receivedAt = new Date();
  receivedAts.set(id, receivedAt);
  return { type: "statement.begin", row: { id, sessionId, seq, protocol: "simple", sql: `select ${seq}`, kind: "read", command: "SELECT", receivedAt, status } };
}
function finish(sessionId: string, id: string, status: StatementFinishRow["status"] = "ok"): RecordItem {
  return {
    type: "statement.finish",
    row: { id, sessionId, receivedAt: receivedAts.get(id) ?? new Date(), status, finishedAt: new Date(), durationMs: 1, commandTag: "SELECT 1", rowCount: 1, errorCode: null, errorMessage: null, columns: [], rows: [["1"]], rowsTruncated: false, resultRowCount: 1, maskedColumns: null },
  };
}

describe("writeRecordBatch", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
  });
  afterAll(() => db.$client.end());

  it("writes many sessions' statements in one batch, folding outcomes, counters and ends into it", async () => {
    const write = createRecordWriter(db.$client);
    const [s1, s2] = [randomUUID(), randomUUID()];
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await write([sessionStart(s1), begin(s1, 1, ids[0]), finish(s1, ids[0], "error"), { type: "session.counts", row: { id: s1, statementCount: 1, errorCount: 1 } }]);
    // A later batch: outcomes of earlier statements are updates; a new session is folded whole.
    await write([
      finish(s1, ids[0], "ok"),
      begin(s1, 2, ids[1]),
      { type: "session.counts", row: { id: s1, statementCount: 2, errorCount: 1 } },
      sessionStart(s2),
      begin(s2, 1, ids[2]),
      finish(s2, ids[2]),
      { type: "session.end", row: { id: s2, endedAt: new Date(), endReason: "client_terminated", statementCount: 1, errorCount: 0 }, audit: audit("gateway.session.end", s2) },
    ]);
    const rows = await db.select().from(statements).where(inArray(statements.id, ids)).orderBy(asc(statements.receivedAt));
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [ids[0], "ok"],
      [ids[1], "running"],
      [ids[2], "ok"],
    ]);
    expect(rows[2].rows).toEqual([["1"]]);
    // Defaults from the schema fill what a begin row leaves out.
    expect(rows[1]).toMatchObject({ decision: "forward", flags: [], relations: [], rowsTruncated: false, resultRowCount: 0 });
    const [a] = await db.select().from(sessions).where(eq(sessions.id, s1));
    const [b] = await db.select().from(sessions).where(eq(sessions.id, s2));
    expect([a.statementCount, a.errorCount, a.endedAt]).toEqual([2, 1, null]);
    expect([b.statementCount, b.errorCount, b.endReason]).toEqual([1, 0, "client_terminated"]);

    // An end alone leaves the counters as they are.
    await write([{ type: "session.end", row: { id: s1, endedAt: new Date(), endReason: "server_closed" }, audit: audit("gateway.session.end", s1) }]);
    const [ended] = await db.select().from(sessions).where(eq(sessions.id, s1));
    expect([ended.statementCount, ended.errorCount, ended.endReason]).toEqual([2, 1, "server_closed"]);
  });

  it("writes each event unchained, in order: a statement's as a pointer to its row with its status when recorded", async () => {
    const write = createRecordWriter(db.$client);
    const sid = randomUUID();
    const [ok, blocked] = [randomUUID(), randomUUID()];
    // The outcome folded into the same batch must not change what the event says about the begin.
    await write([sessionStart(sid), begin(sid, 1, ok), finish(sid, ok), begin(sid, 2, blocked, "blocked"), { type: "audit", audit: { actor: "x", action: "gateway.sign_in.failed", targetType: "connection" } }]);
    const events = await db.select().from(unchainedAuditEvents).orderBy(asc(unchainedAuditEvents.id));
    const mine = events.slice(events.findIndex((e) => e.targetId === sid && e.action === "gateway.session.start"));
    expect(mine.map((e) => [e.action, e.statementId, e.details])).toEqual([
      ["gateway.session.start", null, { z: 1, a: [2] }],
      ["gateway.statement", ok, { status: "forwarded" }],
      ["gateway.statement", blocked, { status: "blocked" }],
      ["gateway.sign_in.failed", null, null],
    ]);
    expect(mine[1]).toMatchObject({ actor: null, targetType: "session", targetId: sid, targetName: null });
  });

  it("finds each earlier statement an outcome updates by primary key, in one partition, however many statements the day holds", async () => {
    // One connection with the recorder's planner settings: the named statement is planned there.
    const pool = new pg.Pool({ connectionString: db.$client.options.connectionString, max: 1, options: RECORDING_PLANNER_OPTIONS });
    try {
      const write = createRecordWriter(pool);
      const sid = randomUUID();
      const begun = Array.from({ length: 5000 }, (_, i) => begin(sid, i + 1));
      await write([sessionStart(sid), ...begun]);
      await db.$client.query("analyze statements");
      const last = (begun.at(-1) as Extract<RecordItem, { type: "statement.begin" }>).row.id;
      await write([finish(sid, last)]);
      const params = batchParameters([finish(sid, last), begin(sid, 5001)]);
      const c = await pool.connect();
      try {
        // The plan the batch runs under, for the prepared statement itself; EXPLAIN without ANALYZE runs nothing.
        const { rows } = await c.query(`explain (format json) execute ${BATCH_STATEMENT_NAME}(${params.map((p) => pg.escapeLiteral(p)).join(", ")})`);
        const nodes = planNodes(rows[0]["QUERY PLAN"][0].Plan);
        const outcomes = nodes.find((n) => n["Subplan Name"] === "CTE outcomes")!;
        const joins = planNodes(outcomes).map((n) => n["Node Type"]).filter((t) => t.endsWith("Join") || t === "Nested Loop");
        expect(joins).toEqual(["Nested Loop"]);
        const scans = planNodes(outcomes).filter((n) => n["Relation Name"]?.startsWith("statements_p"));
        expect(scans.length).toBeGreaterThan(0);
        // Every partition is looked up by key (pruned at run time to the one the row's time picks), never scanned whole.
        for (const scan of scans) expect(scan["Node Type"], scan["Relation Name"]).toBe("Index Scan");
        expect(scans.some((scan) => scan["Index Name"].endsWith("_pkey"))).toBe(true);
      } finally {
        c.release();
      }
      expect((await db.select({ status: statements.status }).from(statements).where(eq(statements.id, last)))[0]!.status).toBe("ok");
    } finally {
      await pool.end();
    }
  });

  it("takes no lock: a batch commits while a console transaction holds the audit chain", async () => {
    const write = createRecordWriter(db.$client);
    const sid = randomUUID();
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
    try {
      const written = write([sessionStart(sid), begin(sid, 1)]).then(() => "written");
      const waited = new Promise((r) => setTimeout(() => r("waited"), 5000));
      expect(await Promise.race([written, waited])).toBe("written");
    } finally {
      release();
      await console;
    }
  });
});

type PlanNode = { "Node Type": string; "Subplan Name"?: string; "Relation Name"?: string; "Index Name": string; Plans?: PlanNode[] };

/** A plan node and every node below it. */
function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}
