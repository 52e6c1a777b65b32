import "server-only";
import { and, asc, gt } from "drizzle-orm";
import { auditEvents, type AuditEvent } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { csvLine } from "@/lib/shared/csv";
import type { AuditExportFormat, AuditFilters } from "@/lib/shared/contracts/audit";
import { auditWhere } from "./audit-where";
import { loadApprovalLinks, sessionLinkOf, statementSummaryOf } from "./session-link";

/** Rows read per round trip while a download streams. */
const EXPORT_PAGE_SIZE = 1000;

export const AUDIT_CSV_HEADER = ["seq", "occurred_at", "actor", "action", "target_type", "target_id", "target_name", "session_id", "statement_seq", "sql", "decision", "details", "before", "after", "prev_hash", "hash"] as const;

/**
 * The events the audit log's filter selects, oldest first (the chain's order), a page at a time:
 * a download of millions of events never sits in memory whole. Each row keeps its hashes, so an
 * exported file can be checked against the chain.
 */
export async function* readAuditEventsForExport(db: DbOrTx, filters: AuditFilters): AsyncGenerator<AuditEvent[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(auditWhere(filters), gt(auditEvents.seq, after)))
      .orderBy(asc(auditEvents.seq))
      .limit(EXPORT_PAGE_SIZE);
    if (rows.length > 0) yield rows;
    if (rows.length < EXPORT_PAGE_SIZE) return;
    after = rows[rows.length - 1].seq;
  }
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** The export as text chunks: a CSV (header first) or JSON lines (one event an line). */
export async function* exportAuditEvents(db: DbOrTx, filters: AuditFilters, format: AuditExportFormat): AsyncGenerator<string> {
  if (format === "csv") yield csvLine(AUDIT_CSV_HEADER);
  for await (const rows of readAuditEventsForExport(db, filters)) {
    const approvals = await loadApprovalLinks(db, rows);
    let chunk = "";
    for (const r of rows) {
      const session = sessionLinkOf(r, approvals);
      const statement = statementSummaryOf(r);
      if (format === "csv") {
        chunk += csvLine([r.seq, r.occurredAt.toISOString(), r.actor, r.action, r.targetType, r.targetId, r.targetName, session?.sessionId, session?.seq, statement?.sql, statement?.decision, json(r.details), json(r.before), json(r.after), r.prevHash, r.hash]);
      } else {
        chunk += `${JSON.stringify({ seq: r.seq, occurredAt: r.occurredAt.toISOString(), actor: r.actor, action: r.action, targetType: r.targetType, targetId: r.targetId, targetName: r.targetName, before: r.before, after: r.after, details: r.details, sessionId: session?.sessionId ?? null, statementSeq: session?.seq ?? null, prevHash: r.prevHash, hash: r.hash })}\n`;
      }
    }
    yield chunk;
  }
}
