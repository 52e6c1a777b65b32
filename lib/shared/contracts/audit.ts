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

export type AuditPageDto = { events: AuditEventDto[]; nextCursor: number | null; actions: string[] };
