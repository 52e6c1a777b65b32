import { sql } from "drizzle-orm";
import { bigint, boolean, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Where a sink's events go: an HTTPS webhook (HMAC-signed), JSON lines in a file rotated by size, or JSON lines on stdout. */
export const EVENT_SINK_KINDS = ["webhook", "file", "stdout"] as const;
/** console: made and changed in the console (audited); environment: declared by WARDEN_SINK_* variables, read-only in the console. */
export const EVENT_SINK_SOURCES = ["console", "environment"] as const;
/**
 * active: delivering (or waiting for events); retrying: the last attempt failed, the next is at
 * `nextAttemptAt`; dead: `maxAttempts` attempts in a row failed, so delivery stopped until an admin
 * retries it (nothing is skipped: it resumes at the event after `deliveredSeq`).
 */
export const EVENT_SINK_STATES = ["active", "retrying", "dead"] as const;

/**
 * The durable outbox: every audit event leaves for each sink in sequence order, at least once. A sink
 * is a cursor over the audit trail (`deliveredSeq`: the last event it delivered or filtered out), so
 * nothing is copied per event and a restart resumes where the last committed delivery ended.
 */
export const eventSinks = pgTable("event_sinks", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  kind: text("kind", { enum: EVENT_SINK_KINDS }).notNull(),
  source: text("source", { enum: EVENT_SINK_SOURCES }).notNull().default("console"),
  isEnabled: boolean("is_enabled").notNull().default(true),
  /** webhook: the receiver's URL. */
  url: text("url"),
  /** webhook: the HMAC-SHA256 signing secret, encrypted (lib/crypto), write-only. */
  secretCiphertext: text("secret_ciphertext"),
  /** file: the JSON-lines file, and when to rotate it (bytes) and how many rotated files to keep. */
  filePath: text("file_path"),
  maxFileBytes: bigint("max_file_bytes", { mode: "number" }),
  maxFiles: integer("max_files"),
  /** Which events go out: action names or prefixes ending in `.*` (`gateway.statement`, `approval.*`); empty: every event. */
  eventTypes: text("event_types").array().notNull().default(sql`'{}'::text[]`),
  /** Delivery state: the last event delivered (or skipped by the filter), and how the last attempts went. */
  deliveredSeq: bigint("delivered_seq", { mode: "number" }).notNull().default(0),
  state: text("state", { enum: EVENT_SINK_STATES }).notNull().default("active"),
  failedAttempts: integer("failed_attempts").notNull().default(0),
  maxAttempts: integer("max_attempts").notNull().default(10),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
  lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
  lastDeliveredAt: timestamp("last_delivered_at", { withTimezone: true }),
  lastError: text("last_error"),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type EventSink = typeof eventSinks.$inferSelect;
