import "server-only";
import { and, eq, gte, ilike, lte, or, sql, type SQL } from "drizzle-orm";
import { auditEvents } from "@/drizzle/schema";
import { containsPattern } from "@/lib/shared/highlight-matches";
import type { AuditFilters } from "@/lib/shared/contracts/audit";

/**
 * The audit log's filters as a WHERE clause, shared by the page and its exports so a download holds
 * exactly the rows on screen. `q` also searches the SQL that statement and approval events carry
 * (details.sql), so `pg_read_file` finds who ran it and who approved it. A time range prunes the day
 * partitions; the text search itself reads the events in the range (the trigram index is on
 * statements: the Sessions page's search is the fast path over the whole history).
 */
export function auditWhere(f: AuditFilters): SQL | undefined {
  const where: SQL[] = [];
  if (f.actor) where.push(ilike(auditEvents.actor, containsPattern(f.actor)));
  if (f.action) where.push(eq(auditEvents.action, f.action));
  if (f.targetType) where.push(eq(auditEvents.targetType, f.targetType));
  if (f.q) {
    const like = containsPattern(f.q);
    where.push(or(ilike(auditEvents.targetName, like), ilike(auditEvents.action, like), ilike(auditEvents.actor, like), sql`(${auditEvents.details} ->> 'sql') ilike ${like}`)!);
  }
  if (f.from) where.push(gte(auditEvents.occurredAt, new Date(f.from)));
  if (f.to) where.push(lte(auditEvents.occurredAt, new Date(f.to)));
  return where.length ? and(...where) : undefined;
}
