import type { sessions, statements } from "@/drizzle/schema";
import type { NewAuditEvent } from "@/lib/audit/append-event";

type StatementColumns = typeof statements.$inferSelect;

/** What the gateway writes to the store, one item per fact; the group commit batches them. */
export type SessionStartRow = typeof sessions.$inferInsert & { id: string; startedAt: Date };
export type StatementBeginRow = typeof statements.$inferInsert & { id: string };

/** The columns a statement's outcome sets: one bulk update, or folded into its insert when both are in one batch. */
export const OUTCOME_KEYS = [
  "status",
  "finishedAt",
  "durationMs",
  "commandTag",
  "rowCount",
  "errorCode",
  "errorMessage",
  "columns",
  "rows",
  "rowsTruncated",
  "resultRowCount",
  "maskedColumns",
] as const satisfies readonly (keyof StatementColumns)[];

/**
 * The decision as it stands when the statement finishes (the blast-radius guard can hold a write
 * after it was recorded as forwarded); null keeps what the begin record says.
 */
export const DECISION_KEYS = ["decision", "decisionReason", "approvalRequestId", "decidedBy", "decidedAt", "decisionComment"] as const satisfies readonly (keyof StatementColumns)[];

export type StatementFinishRow = Pick<StatementColumns, Exclude<(typeof OUTCOME_KEYS)[number], "status" | "finishedAt">> & Partial<Pick<StatementColumns, (typeof DECISION_KEYS)[number]>> & {
  id: string;
  sessionId: string;
  /** The begun row's receivedAt: with the id, the row's key in the day-partitioned table. */
  receivedAt: Date;
  status: "ok" | "error" | "skipped" | "suspended" | "unknown";
  finishedAt: Date;
};
export type SessionEndRow = { id: string; endedAt: Date; endReason: string };
/** A session's counters, absolute (the recorder counts; a later row replaces an earlier one). */
export type SessionCountsRow = { id: string; statementCount: number; errorCount: number };

/**
 * A statement's audit event is not an item: the writer adds one (unchained, small) for each begun
 * statement, and the chainer completes it from the statement's row.
 */
export type RecordItem =
  | { type: "session.start"; row: SessionStartRow; audit: NewAuditEvent }
  | { type: "statement.begin"; row: StatementBeginRow }
  | { type: "statement.finish"; row: StatementFinishRow }
  | { type: "session.counts"; row: SessionCountsRow }
  | { type: "session.end"; row: SessionEndRow & Partial<SessionCountsRow>; audit: NewAuditEvent }
  | { type: "audit"; audit: NewAuditEvent };

/** The session an item belongs to (its records are written in order), if any. */
export function sessionOf(item: RecordItem): string | undefined {
  switch (item.type) {
    case "session.start":
    case "session.counts":
    case "session.end":
      return item.row.id;
    case "statement.begin":
    case "statement.finish":
      return item.row.sessionId;
    case "audit":
      return undefined;
  }
}

/** PostgreSQL text and jsonb cannot hold U+0000; recorded text replaces it. */
export function cleanText(s: string): string {
  return s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s;
}
