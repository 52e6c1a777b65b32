import type pg from "pg";
import { AUDIT_CHAIN_LOCK, chainAuditEvents, type ChainHead, type NewAuditEvent } from "@/lib/audit/append-event";
import type { RecordItem, SessionStartRow, StatementBeginRow, StatementFinishRow } from "./records";

/**
 * Writes group-commit batches: each batch is ONE statement (data-modifying CTEs, one jsonb
 * parameter per table), so it costs one round trip and one commit, whatever it holds. It is a named
 * prepared statement, planned once per store connection.
 *
 * Data-modifying CTEs all see the same snapshot and cannot touch a row twice, so the batch is folded
 * first: a finish whose statement begins in the same batch is merged into the inserted row, and a
 * session started in the same batch gets its counters and end in its inserted row. Only outcomes of
 * earlier batches' rows are updates.
 *
 * The audit chain: the writer remembers the chain head it last committed and numbers the batch's
 * events after it, so no read is needed. The insert takes the chain lock first (the same lock
 * appendAuditEvents takes, so console writers still serialise with us), and the primary key on `seq`
 * catches a stale head: if anyone else appended since, the insert fails with a unique violation and
 * the batch is written again the careful way (transaction, lock, read the head, insert). Either way
 * the events are gap-free and each hash covers the one committed before it.
 */
export function createRecordWriter(pool: pg.Pool): (items: RecordItem[]) => Promise<void> {
  /** The last audit event this writer committed; undefined when unknown (start, or after a failure). */
  let head: ChainHead | undefined;

  return async function writeRecordBatch(items: RecordItem[]): Promise<void> {
    // An empty batch is a health probe.
    if (items.length === 0) {
      await pool.query("select 1");
      return;
    }
    const batch = foldBatch(items);
    const occurredAt = new Date();
    const chained = (from: ChainHead) => (batch.audits.length ? chainAuditEvents(batch.audits, from, occurredAt) : []);
    const nextHead = (rows: ReturnType<typeof chained>, from: ChainHead): ChainHead => (rows.length ? { seq: rows[rows.length - 1].seq, hash: rows[rows.length - 1].hash } : from);

    if (head || batch.audits.length === 0) {
      const from = head;
      const rows = from ? chained(from) : [];
      try {
        await pool.query({ name: BATCH_STATEMENT_NAME, text: BATCH_SQL, values: batchValues(batch, rows) });
        if (from) head = nextHead(rows, from);
        return;
      } catch (err) {
        head = undefined;
        if (!isStaleChainHead(err)) throw err;
      }
    }

    // The careful way: hold the chain lock, read the head, then insert after it.
    const client = await pool.connect();
    let isBroken = false;
    try {
      await client.query("begin");
      const [, last] = (await client.query(
        `select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK}); select seq::float8 as seq, hash from audit_events order by seq desc limit 1`,
      )) as unknown as pg.QueryResult[];
      const from: ChainHead = last.rows[0] ? { seq: Number(last.rows[0].seq), hash: last.rows[0].hash } : { seq: 0, hash: GENESIS };
      const rows = chained(from);
      await client.query({ name: BATCH_STATEMENT_NAME, text: BATCH_SQL, values: batchValues(batch, rows) });
      await client.query("commit");
      head = nextHead(rows, from);
    } catch (err) {
      await client.query("rollback").catch(() => {
        isBroken = true;
      });
      throw err;
    } finally {
      client.release(isBroken);
    }
  };
}

const GENESIS = "0".repeat(64);

/** Another appender moved the chain on since our last batch. */
function isStaleChainHead(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === "23505" && e.constraint === "audit_events_pkey";
}

type SessionCounters = { id: string; statements: number; errors: number; ended_at: Date | null; end_reason: string | null };

type FoldedBatch = {
  sessions: Map<string, SessionStartRow & { statementCount: number; errorCount: number; endedAt: Date | null; endReason: string | null }>;
  /** Begin rows, with their outcome merged in when it is in the same batch. */
  statements: Map<string, StatementBeginRow>;
  finishes: Map<string, StatementFinishRow>;
  sessionUpdates: Map<string, SessionCounters>;
  audits: NewAuditEvent[];
};

/** Folds the batch's items so each row is written once (see above); audit events keep their order. */
function foldBatch(items: RecordItem[]): FoldedBatch {
  const b: FoldedBatch = { sessions: new Map(), statements: new Map(), finishes: new Map(), sessionUpdates: new Map(), audits: [] };
  /** The counters of a session: its inserted row when it starts in this batch, else an update. */
  const counters = (id: string) => {
    const started = b.sessions.get(id);
    if (started) return started;
    let u = b.sessionUpdates.get(id);
    if (!u) b.sessionUpdates.set(id, (u = { id, statements: 0, errors: 0, ended_at: null, end_reason: null }));
    return u;
  };
  const addCounts = (id: string, statements: number, errors: number) => {
    const c = counters(id);
    if ("statementCount" in c) {
      c.statementCount += statements;
      c.errorCount += errors;
    } else {
      c.statements += statements;
      c.errors += errors;
    }
  };
  for (const item of items) {
    switch (item.type) {
      case "session.start":
        b.sessions.set(item.row.id, { ...item.row, statementCount: item.row.statementCount ?? 0, errorCount: item.row.errorCount ?? 0, endedAt: item.row.endedAt ?? null, endReason: item.row.endReason ?? null });
        b.audits.push(item.audit);
        break;
      case "statement.begin":
        b.statements.set(item.row.id, { ...item.row });
        addCounts(item.row.sessionId, 1, item.row.status === "blocked" ? 1 : 0);
        b.audits.push(item.audit);
        break;
      case "statement.finish": {
        const begun = b.statements.get(item.row.id);
        // sessionId is the finish's own field, not a column to overwrite; the rest is the outcome.
        const { sessionId, id, ...outcome } = item.row;
        if (begun) Object.assign(begun, outcome);
        else b.finishes.set(id, item.row); // a later finish of the same statement (a portal) wins
        if (item.row.status === "error") addCounts(sessionId, 0, 1);
        break;
      }
      case "session.end": {
        const c = counters(item.row.id);
        if ("statementCount" in c) {
          c.endedAt = item.row.endedAt;
          c.endReason = item.row.endReason;
        } else {
          c.ended_at = item.row.endedAt;
          c.end_reason = item.row.endReason;
        }
        b.audits.push(item.audit);
        break;
      }
      case "audit":
        b.audits.push(item.audit);
        break;
    }
  }
  return b;
}

/** The statement's parameters: one JSON array per table, in snake_case like the columns. */
function batchValues(b: FoldedBatch, audits: ReturnType<typeof chainAuditEvents>): string[] {
  const sessions = [...b.sessions.values()].map((s) => ({
    id: s.id,
    connection_id: s.connectionId ?? null,
    connection_name: s.connectionName,
    user_name: s.userName,
    actor_kind: s.actorKind,
    agent_name: s.agentName ?? null,
    groups: s.groups ?? null,
    auth_method: s.authMethod,
    token_id: s.tokenId ?? null,
    application_name: s.applicationName ?? null,
    client_address: s.clientAddress,
    is_tls: s.isTls,
    protocol_version: s.protocolVersion,
    gateway_instance: s.gatewayInstance,
    recording_mode: s.recordingMode,
    started_at: s.startedAt,
    ended_at: s.endedAt,
    end_reason: s.endReason,
    statement_count: s.statementCount,
    error_count: s.errorCount,
  }));
  const statements = [...b.statements.values()].map((s) => ({
    id: s.id,
    session_id: s.sessionId,
    seq: s.seq,
    protocol: s.protocol,
    sql: s.sql,
    params: s.params ?? null,
    kind: s.kind,
    command: s.command,
    relations: s.relations ?? null,
    fingerprint: s.fingerprint ?? null,
    parse_error: s.parseError ?? null,
    decision: s.decision ?? null,
    decision_reason: s.decisionReason ?? null,
    flags: s.flags ?? null,
    approval_request_id: s.approvalRequestId ?? null,
    decided_by: s.decidedBy ?? null,
    decided_at: s.decidedAt ?? null,
    decision_comment: s.decisionComment ?? null,
    status: s.status ?? null,
    received_at: s.receivedAt,
    gateway_ms: s.gatewayMs ?? null,
    duration_ms: s.durationMs ?? null,
    finished_at: s.finishedAt ?? null,
    command_tag: s.commandTag ?? null,
    row_count: s.rowCount ?? null,
    error_code: s.errorCode ?? null,
    error_message: s.errorMessage ?? null,
    columns: s.columns ?? null,
    rows: s.rows ?? null,
    rows_truncated: s.rowsTruncated ?? null,
    result_row_count: s.resultRowCount ?? null,
    masked_columns: s.maskedColumns ?? null,
  }));
  const finishes = [...b.finishes.values()].map((f) => ({
    id: f.id,
    status: f.status,
    finished_at: f.finishedAt,
    duration_ms: f.durationMs,
    command_tag: f.commandTag,
    row_count: f.rowCount,
    error_code: f.errorCode,
    error_message: f.errorMessage,
    columns: f.columns ?? null,
    rows: f.rows ?? null,
    rows_truncated: f.rowsTruncated,
    result_row_count: f.resultRowCount,
    masked_columns: f.maskedColumns ?? null,
  }));
  const auditRows = audits.map((a) => ({
    seq: a.seq,
    occurred_at: a.occurredAt,
    actor: a.actor,
    action: a.action,
    target_type: a.targetType,
    target_id: a.targetId,
    target_name: a.targetName,
    before: a.before,
    after: a.after,
    details: a.details,
    prev_hash: a.prevHash,
    hash: a.hash,
  }));
  return [sessions, statements, finishes, [...b.sessionUpdates.values()], auditRows].map((rows) => JSON.stringify(rows));
}

/** Bump the version when the text changes: a store connection keeps the old plan under the old name. */
const BATCH_STATEMENT_NAME = "warden_record_batch_v1";

/**
 * $1 sessions, $2 statements, $3 finishes of earlier statements, $4 session counters and ends,
 * $5 audit events (already numbered and hashed). Columns with a default get it through coalesce.
 */
const BATCH_SQL = `
with
chain_lock as (select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})),
new_sessions as (
  insert into sessions (id, connection_id, connection_name, user_name, actor_kind, agent_name, groups, auth_method,
    token_id, application_name, client_address, is_tls, protocol_version, gateway_instance, recording_mode,
    started_at, ended_at, end_reason, statement_count, error_count)
  select id, connection_id, connection_name, user_name, actor_kind, agent_name, coalesce(groups, '{}'), auth_method,
    token_id, application_name, client_address, is_tls, protocol_version, gateway_instance, recording_mode,
    started_at, ended_at, end_reason, statement_count, error_count
  from jsonb_to_recordset($1::jsonb) as v(id uuid, connection_id uuid, connection_name text, user_name text,
    actor_kind text, agent_name text, groups text[], auth_method text, token_id uuid, application_name text,
    client_address text, is_tls boolean, protocol_version text, gateway_instance text, recording_mode text,
    started_at timestamptz, ended_at timestamptz, end_reason text, statement_count int, error_count int)
),
new_statements as (
  insert into statements (id, session_id, seq, protocol, sql, params, kind, command, relations, fingerprint,
    parse_error, decision, decision_reason, flags, approval_request_id, decided_by, decided_at, decision_comment,
    status, received_at, gateway_ms, duration_ms, finished_at, command_tag, row_count, error_code, error_message,
    columns, rows, rows_truncated, result_row_count, masked_columns)
  select id, session_id, seq, protocol, sql, params, kind, command, coalesce(relations, '[]'), fingerprint,
    parse_error, coalesce(decision, 'forward'), decision_reason, coalesce(flags, '{}'), approval_request_id,
    decided_by, decided_at, decision_comment, coalesce(status, 'running'), received_at, gateway_ms, duration_ms,
    finished_at, command_tag, row_count, error_code, error_message, columns, rows, coalesce(rows_truncated, false),
    coalesce(result_row_count, 0), masked_columns
  from jsonb_to_recordset($2::jsonb) as v(id uuid, session_id uuid, seq int, protocol text, sql text, params jsonb,
    kind text, command text, relations jsonb, fingerprint text, parse_error text, decision text, decision_reason text,
    flags text[], approval_request_id uuid, decided_by text, decided_at timestamptz, decision_comment text,
    status text, received_at timestamptz, gateway_ms float8, duration_ms float8, finished_at timestamptz,
    command_tag text, row_count bigint, error_code text, error_message text, columns jsonb, rows jsonb,
    rows_truncated boolean, result_row_count bigint, masked_columns jsonb)
),
finished as (
  update statements s set
    status = v.status, finished_at = v.finished_at, duration_ms = v.duration_ms,
    command_tag = v.command_tag, row_count = v.row_count, error_code = v.error_code,
    error_message = v.error_message, columns = v.columns, rows = v.rows,
    rows_truncated = v.rows_truncated, result_row_count = v.result_row_count,
    masked_columns = v.masked_columns
  from jsonb_to_recordset($3::jsonb) as v(id uuid, status text, finished_at timestamptz, duration_ms float8,
    command_tag text, row_count bigint, error_code text, error_message text, columns jsonb, rows jsonb,
    rows_truncated boolean, result_row_count bigint, masked_columns jsonb)
  where s.id = v.id
),
counted as (
  update sessions s set
    statement_count = s.statement_count + v.statements,
    error_count = s.error_count + v.errors,
    ended_at = coalesce(v.ended_at, s.ended_at),
    end_reason = coalesce(v.end_reason, s.end_reason)
  from jsonb_to_recordset($4::jsonb) as v(id uuid, statements int, errors int, ended_at timestamptz, end_reason text)
  where s.id = v.id
),
audited as (
  -- Joined with chain_lock so no event is inserted before the lock is held.
  insert into audit_events (seq, occurred_at, actor, action, target_type, target_id, target_name, before, after,
    details, prev_hash, hash)
  select v.seq, v.occurred_at, v.actor, v.action, v.target_type, v.target_id, v.target_name, v.before, v.after,
    v.details, v.prev_hash, v.hash
  from jsonb_to_recordset($5::jsonb) as v(seq bigint, occurred_at timestamptz, actor text, action text,
    target_type text, target_id text, target_name text, before jsonb, after jsonb, details jsonb, prev_hash text,
    hash text)
  cross join chain_lock
)
select 1`;
