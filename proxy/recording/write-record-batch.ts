import { sql } from "drizzle-orm";
import { sessions, statements } from "@/drizzle/schema";
import { appendAuditEvents, type NewAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import type { RecordItem, SessionStartRow, StatementBeginRow, StatementFinishRow } from "./records";

/**
 * Writes one group-commit batch in one transaction: new sessions, new statements, statement
 * outcomes, session counters and ends, then the batch's audit events in one append (one chain lock).
 * An empty batch is a health probe.
 */
export async function writeRecordBatch(db: Db, items: RecordItem[]): Promise<void> {
  if (items.length === 0) {
    await db.execute(sql`select 1`);
    return;
  }
  const sessionRows: SessionStartRow[] = [];
  const statementRows: StatementBeginRow[] = [];
  const finishes: StatementFinishRow[] = [];
  const sessionUpdates = new Map<string, { id: string; statements: number; errors: number; ended_at: string | null; end_reason: string | null }>();
  const audits: NewAuditEvent[] = [];
  const touch = (id: string) => {
    let u = sessionUpdates.get(id);
    if (!u) sessionUpdates.set(id, (u = { id, statements: 0, errors: 0, ended_at: null, end_reason: null }));
    return u;
  };
  for (const item of items) {
    switch (item.type) {
      case "session.start":
        sessionRows.push(item.row);
        audits.push(item.audit);
        break;
      case "statement.begin":
        statementRows.push(item.row);
        touch(item.row.sessionId).statements += 1;
        if (item.row.status === "blocked") touch(item.row.sessionId).errors += 1;
        audits.push(item.audit);
        break;
      case "statement.finish":
        finishes.push(item.row);
        if (item.row.status === "error") touch(item.row.sessionId).errors += 1;
        break;
      case "session.end": {
        const u = touch(item.row.id);
        u.ended_at = item.row.endedAt.toISOString();
        u.end_reason = item.row.endReason;
        audits.push(item.audit);
        break;
      }
      case "audit":
        audits.push(item.audit);
        break;
    }
  }
  await db.transaction(async (tx) => {
    if (sessionRows.length) await tx.insert(sessions).values(sessionRows);
    if (statementRows.length) await tx.insert(statements).values(statementRows);
    if (finishes.length) {
      const json = JSON.stringify(
        finishes.map((f) => ({
          id: f.id,
          status: f.status,
          finished_at: f.finishedAt.toISOString(),
          duration_ms: f.durationMs,
          command_tag: f.commandTag,
          row_count: f.rowCount,
          error_code: f.errorCode,
          error_message: f.errorMessage,
          columns: f.columns ?? null,
          rows: f.rows ?? null,
          rows_truncated: f.rowsTruncated,
          result_row_count: f.resultRowCount,
        })),
      );
      await tx.execute(sql`
        update statements s set
          status = v.status, finished_at = v.finished_at, duration_ms = v.duration_ms,
          command_tag = v.command_tag, row_count = v.row_count, error_code = v.error_code,
          error_message = v.error_message, columns = v.columns, rows = v.rows,
          rows_truncated = v.rows_truncated, result_row_count = v.result_row_count
        from jsonb_to_recordset(${json}::jsonb) as v(
          id uuid, status text, finished_at timestamptz, duration_ms float8, command_tag text,
          row_count bigint, error_code text, error_message text, columns jsonb, rows jsonb,
          rows_truncated boolean, result_row_count bigint)
        where s.id = v.id`);
    }
    if (sessionUpdates.size) {
      const json = JSON.stringify([...sessionUpdates.values()]);
      await tx.execute(sql`
        update sessions s set
          statement_count = s.statement_count + v.statements,
          error_count = s.error_count + v.errors,
          ended_at = coalesce(v.ended_at, s.ended_at),
          end_reason = coalesce(v.end_reason, s.end_reason)
        from jsonb_to_recordset(${json}::jsonb) as v(id uuid, statements int, errors int, ended_at timestamptz, end_reason text)
        where s.id = v.id`);
    }
    if (audits.length) await appendAuditEvents(tx, audits);
  });
}
