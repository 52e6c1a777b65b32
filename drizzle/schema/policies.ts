import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { connections } from "./connections";

/**
 * Every saved version of a connection's policy document (lib/policy/policy-document.ts). The newest
 * version is the one in force; older ones stay for the diff view and the audit trail.
 */
export const policyVersions = pgTable(
  "policy_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    document: jsonb("document").notNull(),
    author: text("author").notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("policy_versions_connection_version_idx").on(t.connectionId, t.version), index("policy_versions_created_at_idx").on(t.createdAt)],
);

export type PolicyVersion = typeof policyVersions.$inferSelect;
