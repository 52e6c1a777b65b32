import type pg from "pg";
import { sessions, statements, unchainedAuditEvents, type UnchainedAuditEvent } from "@/drizzle/schema";
import { insertFromRecordset, updateFromRecordset } from "@/lib/db/jsonb-recordset";
import { DECISION_KEYS, OUTCOME_KEYS, type RecordItem, type SessionCountsRow, type SessionEndRow, type SessionStartRow, type StatementBeginRow, type StatementFinishRow } from "./records";

/**
 * Writes a group-commit batch as ONE statement (data-modifying CTEs, one jsonb parameter per table),
 * so it costs one round trip and one commit whatever it holds, and takes no lock: batches from many
 * connections and workers commit side by side. It is a named prepared statement, planned once per
 * store connection; its SQL comes from the Drizzle schema (lib/db/jsonb-recordset.ts).
 *
 * Per statement it writes the statement's row and a small unchained audit event naming it; the
 * chainer (lib/audit/chain-waiting-events.ts) numbers, completes and hashes the events later, in
 * the background. An outcome is one row of a bulk update; session counters are whatever the recorder
 * last counted (absolute), written when it says so, not per statement.
 *
 * Data-modifying CTEs all see the same snapshot and cannot touch a row twice, so the batch is folded
 * first: a finish whose statement begins in the same batch is merged into the inserted row, and a
 * session started in the same batch gets its counters and end in its inserted row. Only outcomes of
 * earlier batches' rows are updates.
 */
export function createRecordWriter(pool: pg.Pool): (items: RecordItem[]) => Promise<void> {
  return async function writeRecordBatch(items: RecordItem[]): Promise<void> {
    // An empty batch is a health probe.
    if (items.length === 0) {
      await pool.query("select 1");
      return;
    }
    await pool.query({ name: BATCH_STATEMENT_NAME, text: BATCH_SQL, values: batchParameters(items) });
  };
}

/**
 * The planner settings of the connections the batch statement runs on (`options` of the pool):
 * every row it touches is found by primary key. Its plan is made once per connection (a named
 * statement), often while today's partition is still small, and jsonb_to_recordset is always
 * estimated at 100 rows; left to itself the planner then picked a hash join over a whole scan of the
 * partition for the outcomes' update, whose cost grew with every statement recorded that day (1 ms
 * per batch at 1,500 statements, 3 ms at 10,000). With only nested loops and index scans allowed, an
 * outcome is one primary-key lookup in the one partition its time picks, at any size.
 */
export const RECORDING_PLANNER_OPTIONS = "-c enable_seqscan=off -c enable_hashjoin=off -c enable_mergejoin=off";

/** The batch statement's parameters ($1 to $5, see BATCH_SQL). */
export function batchParameters(items: RecordItem[]): string[] {
  const b = foldBatch(items);
  const values = [b.sessions, b.statements, b.outcomes, b.sessionUpdates].map((m) => JSON.stringify([...m.values()]));
  values.push(JSON.stringify(b.events));
  return values;
}

type SessionUpdate = { id: string } & Partial<SessionCountsRow & SessionEndRow>;

type FoldedBatch = {
  sessions: Map<string, SessionStartRow>;
  /** Begin rows, with their outcome merged in when it is in the same batch. */
  statements: Map<string, StatementBeginRow>;
  outcomes: Map<string, StatementFinishRow>;
  sessionUpdates: Map<string, SessionUpdate>;
  /** In the order they happened: the chainer chains them in insertion order. */
  events: UnchainedAuditEvent[];
};

/** Folds the batch's items so each row is written once (see above); events keep their order. */
export function foldBatch(items: RecordItem[]): FoldedBatch {
  const b: FoldedBatch = { sessions: new Map(), statements: new Map(), outcomes: new Map(), sessionUpdates: new Map(), events: [] };
  /** A session started in this batch takes its later facts in its inserted row; any other gets an update. */
  const updateSession = (id: string, fields: Partial<SessionCountsRow & SessionEndRow>) => {
    const started = b.sessions.get(id);
    if (started) return void b.sessions.set(id, { ...started, ...fields });
    const update = b.sessionUpdates.get(id);
    b.sessionUpdates.set(id, update ? { ...update, ...fields } : { id, ...fields });
  };
  for (const item of items) {
    switch (item.type) {
      case "session.start":
        b.sessions.set(item.row.id, item.row);
        b.events.push(item.audit);
        break;
      case "statement.begin": {
        const { row } = item;
        b.statements.set(row.id, row);
        // The status as recorded now: a finish folded into the row below must not change the event.
        const status = row.status === undefined || row.status === "running" ? "forwarded" : row.status;
        b.events.push({ statementId: row.id, occurredAt: row.receivedAt, action: "gateway.statement", targetType: "session", targetId: row.sessionId, details: { status } });
        break;
      }
      case "statement.finish": {
        // sessionId is the finish's own field, not a column to overwrite; the rest is the outcome.
        const { sessionId, id, ...outcome } = item.row;
        const begun = b.statements.get(id);
        if (begun) b.statements.set(id, { ...begun, ...outcome });
        else b.outcomes.set(id, item.row); // a later finish of the same statement (a portal) wins
        break;
      }
      case "session.counts": {
        const { id, ...counts } = item.row;
        updateSession(id, counts);
        break;
      }
      case "session.end": {
        const { id, ...end } = item.row;
        updateSession(id, end);
        b.events.push(item.audit);
        break;
      }
      case "audit":
        b.events.push(item.audit);
        break;
    }
  }
  return b;
}

/** Bump the version when the text changes: a store connection keeps the old plan under the old name. */
export const BATCH_STATEMENT_NAME = "warden_record_batch_v4";

/** $1 sessions, $2 statements, $3 outcomes of earlier statements, $4 session counters and ends, $5 unchained audit events. */
const BATCH_SQL = `with
new_sessions as (${insertFromRecordset(sessions, "$1")}),
new_statements as (${insertFromRecordset(statements, "$2")}),
outcomes as (${updateFromRecordset(statements, "$3", { match: ["id", "receivedAt"], set: [...OUTCOME_KEYS, ...DECISION_KEYS], keep: DECISION_KEYS })}),
session_updates as (${updateFromRecordset(sessions, "$4", { match: "id", set: ["statementCount", "errorCount", "endedAt", "endReason"], keepWhenNull: true })}),
events as (${insertFromRecordset(unchainedAuditEvents, "$5")})
select 1`;
