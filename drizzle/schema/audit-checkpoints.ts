import { bigint, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** A run of dropped sequence numbers, and the hash of its last event (what the next kept event links to). */
export type CheckpointGap = { fromSeq: number; toSeq: number; linkHash: string };

/**
 * Written by retention (lib/retention/) in the transaction that drops old audit partitions, before
 * the drop: where the kept chain starts and how to bridge every hole the drop leaves. Each checkpoint
 * is cumulative (it carries the gaps of the ones before it), so `warden verify` needs only the newest
 * one. `signature` is an HMAC-SHA256, keyed from WARDEN_SECRET_KEY, over the other fields
 * (lib/retention/checkpoint-signature.ts): a checkpoint written without the key does not verify.
 */
export const auditCheckpoints = pgTable("audit_checkpoints", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  /** Every event that occurred before this instant was dropped (except events held back for sinks, which stop the drop earlier). */
  droppedBefore: timestamp("dropped_before", { withTimezone: true }).notNull(),
  /** The oldest kept event's sequence number: verification starts there. */
  firstKeptSeq: bigint("first_kept_seq", { mode: "number" }).notNull(),
  /** Every run of dropped sequence numbers, ascending; the first is [1, firstKeptSeq - 1]. */
  gaps: jsonb("gaps").$type<CheckpointGap[]>().notNull(),
  signature: text("signature").notNull(),
});

export type AuditCheckpoint = typeof auditCheckpoints.$inferSelect;
