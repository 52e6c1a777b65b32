import "server-only";
import { and, asc, desc, gt, lt, type SQL } from "drizzle-orm";
import { auditEvents, type AuditEvent } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { auditQuery, type AuditLogEventDto, type AuditPageDto, type AuditQuery, type AuditSessionLink } from "@/lib/shared/contracts/audit";
import { auditWhere } from "./audit-where";
import { sessionLinkOf, loadApprovalLinks, statementSummaryOf } from "./session-link";

/** One page of the audit log, newest first by default, keyset-paged on the sequence number. */
export async function listAuditEvents(db: DbOrTx, query: AuditQuery): Promise<AuditPageDto> {
  const q = auditQuery.parse(query);
  const where: (SQL | undefined)[] = [auditWhere(q)];
  const newest = q.sort === "newest";
  if (q.before && newest) where.push(lt(auditEvents.seq, q.before));
  if (q.after !== undefined && !newest) where.push(gt(auditEvents.seq, q.after));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(newest ? desc(auditEvents.seq) : asc(auditEvents.seq))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const [approvals, actions] = await Promise.all([
    loadApprovalLinks(db, page),
    db.selectDistinct({ action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.action)),
  ]);
  return {
    events: page.map((r) => toAuditEventDto(r, approvals)),
    nextCursor: rows.length > q.limit ? page[page.length - 1].seq : null,
    actions: actions.map((a) => a.action),
  };
}

export function toAuditEventDto(r: AuditEvent, approvals: ReadonlyMap<string, AuditSessionLink>): AuditLogEventDto {
  return {
    seq: r.seq,
    occurredAt: r.occurredAt.toISOString(),
    actor: r.actor,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    targetName: r.targetName,
    before: r.before,
    after: r.after,
    details: r.details,
    session: sessionLinkOf(r, approvals),
    statement: statementSummaryOf(r),
  };
}
