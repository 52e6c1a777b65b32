import "server-only";
import { and, asc, desc, eq, gt, gte, ilike, lt, lte, or, type SQL } from "drizzle-orm";
import { auditEvents } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { auditQuery, type AuditPageDto, type AuditQuery } from "@/lib/shared/contracts/audit";

/** One page of the audit log, newest first by default, keyset-paged on the sequence number. */
export async function listAuditEvents(db: DbOrTx, query: AuditQuery): Promise<AuditPageDto> {
  const q = auditQuery.parse(query);
  const where: SQL[] = [];
  if (q.actor) where.push(ilike(auditEvents.actor, `%${escapeLike(q.actor)}%`));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.targetType) where.push(eq(auditEvents.targetType, q.targetType));
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    where.push(or(ilike(auditEvents.targetName, like), ilike(auditEvents.action, like), ilike(auditEvents.actor, like))!);
  }
  if (q.from) where.push(gte(auditEvents.occurredAt, new Date(q.from)));
  if (q.to) where.push(lte(auditEvents.occurredAt, new Date(q.to)));
  const newest = q.sort === "newest";
  if (q.before && newest) where.push(lt(auditEvents.seq, q.before));
  if (q.after !== undefined && !newest) where.push(gt(auditEvents.seq, q.after));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(newest ? desc(auditEvents.seq) : asc(auditEvents.seq))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const actions = await db.selectDistinct({ action: auditEvents.action }).from(auditEvents).orderBy(asc(auditEvents.action));
  return {
    events: page.map((r) => ({
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
    })),
    nextCursor: rows.length > q.limit ? page[page.length - 1].seq : null,
    actions: actions.map((a) => a.action),
  };
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

