import { z } from "zod";
import type { FilterFields, FilterValues } from "../url-filters";

/** The audit log's filters, as they appear in the page's query string and in `GET /api/audit`; `from` and `to` are ISO timestamps. */
export const auditFilterFields = {
  actor: z.string().trim().max(200),
  action: z.string().trim().max(100),
  targetType: z.string().trim().max(100),
  q: z.string().trim().max(200),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
} satisfies FilterFields;
export type AuditFilters = FilterValues<typeof auditFilterFields>;

export const auditQuery = z.object(auditFilterFields).partial().extend({
  sort: z.enum(["newest", "oldest"]).default("newest"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().nonnegative().optional(),
});
export type AuditQuery = z.input<typeof auditQuery>;

/** The session an event belongs to; `seq` names the statement for a statement's (or a held statement's) event. */
export type AuditSessionLink = { sessionId: string; seq: number | null };
/** A statement or approval event's SQL (the first 2,000 characters, as chained) and the gateway's decision. */
export type AuditStatementSummary = { sql: string; decision: string | null; status: string | null };

/** Export the log's current filter as a download (`GET /api/audit/export?format=csv&…`). */
export const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];
export const auditExportQuery = z.object(auditFilterFields).partial().extend({ format: z.enum(AUDIT_EXPORT_FORMATS) });

export type AuditEventDto = {
  seq: number;
  occurredAt: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
};

/**
 * An event as the audit log page lists it: the chained fields (AuditEventDto, exactly what the hash
 * covers: keep additions out of it) plus what the page derives for display.
 */
export type AuditLogEventDto = AuditEventDto & { session: AuditSessionLink | null; statement: AuditStatementSummary | null };

export type AuditPageDto = { events: AuditLogEventDto[]; nextCursor: number | null; actions: string[] };
