import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { connections } from "./connections";
import { sessions } from "./sessions";
import { ACTOR_KINDS } from "./tokens";

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "timed_out", "withdrawn"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const REVIEW_DECISIONS = ["approve", "reject"] as const;
/** `statement`: the exact text and parameters; `fingerprint`: any statement of the same shape. */
export const GRANT_SCOPES = ["statement", "fingerprint"] as const;
export type GrantScope = (typeof GRANT_SCOPES)[number];

/**
 * A statement held by the gateway until reviewers decide. The worker holding it LISTENs for the
 * decision (NOTIFY on write), so any worker, on any host, can hold and any console can decide.
 */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    connectionId: uuid("connection_id").references(() => connections.id, { onDelete: "set null" }),
    connectionName: text("connection_name").notNull(),
    sessionId: uuid("session_id").references(() => sessions.id, { onDelete: "set null" }),
    statementId: uuid("statement_id"),
    /** The subject: the user name the statement ran as. */
    requester: text("requester").notNull(),
    /** The token the session signed in with, and who minted it: a reviewer may be neither. */
    tokenId: uuid("token_id"),
    requesterMintedBy: text("requester_minted_by"),
    actorKind: text("actor_kind", { enum: ACTOR_KINDS }).notNull(),
    agentName: text("agent_name"),
    applicationName: text("application_name"),
    clientAddress: text("client_address"),
    protocol: text("protocol").notNull(),
    sql: text("sql").notNull(),
    params: jsonb("params"),
    fingerprint: text("fingerprint"),
    /** kind, flags and relations from the classifier, as the reviewer saw them. */
    classification: jsonb("classification").notNull(),
    /** For a write held by the blast-radius guard: rows it changed per table, and each table's size, when it was tried and rolled back. */
    blastRadius: jsonb("blast_radius"),
    ruleId: text("rule_id").notNull(),
    ruleName: text("rule_name").notNull(),
    reasons: text("reasons").array().notNull().default(sql`'{}'::text[]`),
    reviewerGroups: text("reviewer_groups").array().notNull(),
    minApprovals: integer("min_approvals").notNull().default(1),
    /** The rule lets reviewers grant this statement's shape to the requester for a while. */
    allowGrants: boolean("allow_grants").notNull().default(false),
    status: text("status", { enum: APPROVAL_STATUSES }).notNull().default("pending"),
    gatewayInstance: text("gateway_instance"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decidedBy: text("decided_by"),
    decisionComment: text("decision_comment"),
  },
  (t) => [
    index("approval_requests_pending_idx").on(t.createdAt).where(sql`${t.status} = 'pending'`),
    index("approval_requests_created_at_idx").on(t.createdAt.desc()),
    index("approval_requests_session_idx").on(t.sessionId),
  ],
);

/** Each reviewer's vote; a request needs `minApprovals` approvals, and one rejection ends it. */
export const approvalDecisions = pgTable(
  "approval_decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => approvalRequests.id, { onDelete: "cascade" }),
    reviewer: text("reviewer").notNull(),
    decision: text("decision", { enum: REVIEW_DECISIONS }).notNull(),
    comment: text("comment").notNull().default(""),
    /** With an approval: also grant this statement shape to the requester for N minutes. */
    grantMinutes: integer("grant_minutes"),
    /** What the grant covers: this exact statement (text and parameters), or every statement of its shape. */
    grantScope: text("grant_scope", { enum: GRANT_SCOPES }).notNull().default("statement"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("approval_decisions_request_reviewer_idx").on(t.requestId, t.reviewer)],
);

/** Time-boxed grants: this fingerprint, for this user, on this connection, passes without a new request. */
export const approvalGrants = pgTable(
  "approval_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    userName: text("user_name").notNull(),
    fingerprint: text("fingerprint").notNull(),
    scope: text("scope", { enum: GRANT_SCOPES }).notNull().default("fingerprint"),
    /** With scope `statement`: a digest of the exact text and parameters the grant covers. */
    statementDigest: text("statement_digest"),
    sqlSample: text("sql_sample").notNull(),
    requestId: uuid("request_id").references(() => approvalRequests.id, { onDelete: "set null" }),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: text("revoked_by"),
  },
  (t) => [index("approval_grants_lookup_idx").on(t.connectionId, t.userName, t.fingerprint)],
);

export type ApprovalRequest = typeof approvalRequests.$inferSelect;
export type ApprovalDecision = typeof approvalDecisions.$inferSelect;
export type ApprovalGrant = typeof approvalGrants.$inferSelect;
