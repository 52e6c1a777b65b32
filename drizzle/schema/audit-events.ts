import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The audit trail: every console change, sign-in, session, statement and approval, appended with a
 * gap-free sequence number and a hash chain (each hash covers the previous one), so `warden verify`
 * can tell whether anything was altered or removed. Rows are only ever inserted.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
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
    index("audit_events_occurred_at_idx").on(t.occurredAt),
    index("audit_events_actor_idx").on(t.actor),
    index("audit_events_action_idx").on(t.action),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
