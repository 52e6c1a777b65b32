import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sessions } from "./sessions";

export const STATEMENT_PROTOCOLS = ["simple", "extended"] as const;
/** forward: sent upstream; block: refused; hold: waited for approval (the outcome is in `status`). */
export const STATEMENT_DECISIONS = ["forward", "block", "hold"] as const;
/**
 * running: forwarded, no answer yet; ok / error: the server's answer; blocked: refused by the gateway;
 * skipped: never run because an earlier statement of the same query or pipeline failed;
 * suspended: a portal that returned some rows and may be continued; unknown: the session ended first.
 */
export const STATEMENT_STATUSES = ["running", "ok", "error", "blocked", "skipped", "suspended", "unknown"] as const;

export type RecordedParam = { format: "text" | "binary"; value: string | null; typeOid: number; isTruncated?: boolean };
export type RecordedColumn = { name: string; typeOid: number; tableOid: number; columnNumber: number; format: "text" | "binary" };
export type RecordedRelation = { schema: string | null; name: string; access: "read" | "write" };
/**
 * A result column the gateway masked, so the player can mark its cells. `column_rule` and
 * `name_pattern` mask every value of the column; `detector` masks what content detectors found,
 * in the result rows listed in `rows` (numbered from 0, as recorded). `exemptGroup`: the client saw
 * this column unmasked under that group's exemption; the recording keeps it masked all the same.
 */
export type MaskedColumn = {
  index: number;
  name: string;
  /**
   * `lineage`: computed from a masked column (`reverse(email)`), masked with its type's mask for
   * transformed values; `undetermined`: Warden could not tell where it comes from, masked in full
   * (the policy's masking.lineage.undetermined = mask).
   */
  matchedBy: "column_rule" | "name_pattern" | "detector" | "lineage" | "undetermined";
  /** lineage: the masked source columns it is computed from (`public.customers.email`). */
  sources?: string[];
  /** undetermined: why Warden could not tell. */
  reason?: string;
  /** The semantic types applied (one for a rule; those of the detectors that fired). */
  semanticTypes: string[];
  /** The column rule (`schema.table.column`) or name pattern that matched; null for detectors. */
  rule: string | null;
  detectors?: string[];
  rows?: number[];
  /** More rows than listed had findings. */
  rowsTruncated?: boolean;
  exemptGroup?: string;
};

/**
 * Every statement a session ran, in order. In strict recording the row is committed before the
 * statement is forwarded; the outcome (tag, rows, error, first rows of the result) is filled in when
 * the server answers. Result rows are capped in number and bytes (`rowsTruncated`, `resultRowCount`).
 *
 * Partitioned by RANGE (received_at), one partition a UTC day (`statements_p20261207`) plus
 * `statements_default` as a safety net (migration 0008; lib/retention/ creates and drops them). Drizzle
 * does not model partitioning: the key includes `received_at` because PostgreSQL requires every
 * unique key of a partitioned table to include the partition key; `(session_id, seq)` is unique by
 * construction (the recorder numbers a session's statements) but no longer enforced by an index.
 */
export const statements = pgTable(
  "statements",
  {
    id: uuid("id").notNull(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    protocol: text("protocol", { enum: STATEMENT_PROTOCOLS }).notNull(),
    sql: text("sql").notNull(),
    /** Bind parameters, decoded: text as is, binary as base64. */
    params: jsonb("params").$type<RecordedParam[]>(),
    kind: text("kind").notNull(),
    command: text("command").notNull(),
    relations: jsonb("relations").$type<RecordedRelation[]>().notNull().default([]),
    fingerprint: text("fingerprint"),
    parseError: text("parse_error"),
    decision: text("decision", { enum: STATEMENT_DECISIONS }).notNull().default("forward"),
    decisionReason: text("decision_reason"),
    /** Risk flags from the classifier (lib/policy/statement-flags.ts). */
    flags: text("flags").array().notNull().default(sql`'{}'::text[]`),
    /** A held statement: its approval request, and who decided it, when, with what comment. */
    approvalRequestId: uuid("approval_request_id"),
    decidedBy: text("decided_by"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionComment: text("decision_comment"),
    status: text("status", { enum: STATEMENT_STATUSES }).notNull().default("running"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    /** Time from receiving the statement to forwarding it (recording, policy, approval). */
    gatewayMs: doublePrecision("gateway_ms"),
    /** Time from forwarding to the server's final answer. */
    durationMs: doublePrecision("duration_ms"),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    commandTag: text("command_tag"),
    rowCount: bigint("row_count", { mode: "number" }),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    columns: jsonb("columns").$type<RecordedColumn[]>(),
    rows: jsonb("rows").$type<(string | null)[][]>(),
    rowsTruncated: boolean("rows_truncated").notNull().default(false),
    /** Result columns the gateway masked (rules, or content detectors' findings), for the player. */
    maskedColumns: jsonb("masked_columns").$type<MaskedColumn[]>(),
    resultRowCount: bigint("result_row_count", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ name: "statements_pkey", columns: [t.id, t.receivedAt] }),
    index("statements_session_id_seq_idx").on(t.sessionId, t.seq),
    index("statements_received_at_idx").on(t.receivedAt),
    index("statements_fingerprint_idx").on(t.fingerprint),
    /** Search what was run (`/sessions?q=pg_read_file`): substring search on the SQL text through trigrams (pg_trgm). */
    index("statements_sql_trgm_idx").using("gin", sql`${t.sql} gin_trgm_ops`),
  ],
);

export type Statement = typeof statements.$inferSelect;
