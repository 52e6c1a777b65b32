import type { sessions, statements } from "@/drizzle/schema";
import type { NewAuditEvent } from "@/lib/audit/append-event";

/** What the gateway writes to the store, one item per fact; the group commit batches them. */
export type SessionStartRow = typeof sessions.$inferInsert & { id: string; startedAt: Date };
export type StatementBeginRow = typeof statements.$inferInsert & { id: string };
export type StatementFinishRow = {
  id: string;
  sessionId: string;
  status: "ok" | "error" | "skipped" | "suspended" | "unknown";
  finishedAt: Date;
  durationMs: number | null;
  commandTag: string | null;
  rowCount: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  columns: unknown;
  rows: unknown;
  rowsTruncated: boolean;
  resultRowCount: number;
  maskedColumns: unknown;
};
export type SessionEndRow = { id: string; endedAt: Date; endReason: string };

export type RecordItem =
  | { type: "session.start"; row: SessionStartRow; audit: NewAuditEvent }
  | { type: "statement.begin"; row: StatementBeginRow; audit: NewAuditEvent }
  | { type: "statement.finish"; row: StatementFinishRow }
  | { type: "session.end"; row: SessionEndRow; audit: NewAuditEvent }
  | { type: "audit"; audit: NewAuditEvent };

/** PostgreSQL text and jsonb cannot hold U+0000; recorded text replaces it. */
export function cleanText(s: string): string {
  return s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s;
}
