import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * The audit trail: every console change, sign-in, session, statement and approval, appended with a
 * gap-free sequence number and a hash chain (each hash covers the previous one), so `warden verify`
 * can tell whether anything was altered or removed. Rows are only ever inserted: by console writers
 * under the chain lock (lib/audit/append-event.ts), and by the chainer, which moves the gateway's
 * events here from `unchained_audit_events` (lib/audit/chain-waiting-events.ts).
 *
 * Partitioned by RANGE (occurred_at), one partition a UTC day (`audit_events_p20261207`) plus
 * `audit_events_default` (migration 0008). Retention drops old days whole and leaves a signed
 * checkpoint (audit_checkpoints) so the rest of the chain still verifies; the key includes
 * `occurred_at` because a partitioned table's unique keys must include its partition key.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    targetName: text("target_name"),
    before: jsonb("before"),
    after: jsonb("after"),
    details: jsonb("details"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    primaryKey({ name: "audit_events_pkey", columns: [t.seq, t.occurredAt] }),
    index("audit_events_occurred_at_idx").on(t.occurredAt),
    index("audit_events_actor_idx").on(t.actor),
    index("audit_events_action_idx").on(t.action),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;

/**
 * The gateway's events on their way to the trail. The gateway inserts them with its records, in bulk
 * and without a lock; one chainer per store at a time (a try-lock) moves them, in `id` order, into
 * `audit_events`, numbering and hashing them there. So the hot path never waits for the chain.
 *
 * A row with `statementId` is a statement's event: the chainer completes it from the statement's row
 * and its session (actor, connection name, SQL, hashes of the SQL and parameters), so the gateway
 * writes nothing per statement but the statement's row and this small one. `actor` and `targetName`
 * are null there, and `details` holds only what the statement's row cannot tell (its status when it
 * was recorded).
 */
export const unchainedAuditEvents = pgTable("unchained_audit_events", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
  actor: text("actor"),
  action: text("action").notNull(),
  targetType: text("target_type").notNull(),
  targetId: text("target_id"),
  targetName: text("target_name"),
  before: jsonb("before"),
  after: jsonb("after"),
  details: jsonb("details"),
  statementId: uuid("statement_id"),
});

export type UnchainedAuditEvent = typeof unchainedAuditEvents.$inferInsert;
