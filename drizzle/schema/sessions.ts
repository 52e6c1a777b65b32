import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { connections } from "./connections";
import { ACTOR_KINDS, tokens } from "./tokens";

export const AUTH_METHODS = ["token", "jwt"] as const;
export const RECORDING_MODES = ["strict", "async"] as const;

/**
 * One client connection through the gateway, from sign-in to its end. Written by the gateway's group
 * commit; `statementCount` and `errorCount` follow the statements (the gateway counts them and writes
 * them every second while the session is open, and exactly at its end) so the console's session list
 * can filter on them without touching `statements`.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    connectionId: uuid("connection_id").references(() => connections.id, { onDelete: "set null" }),
    /** The catalog name at the time, kept when the connection is renamed or deleted. */
    connectionName: text("connection_name").notNull(),
    userName: text("user_name").notNull(),
    actorKind: text("actor_kind", { enum: ACTOR_KINDS }).notNull(),
    agentName: text("agent_name"),
    groups: text("groups").array().notNull().default(sql`'{}'::text[]`),
    authMethod: text("auth_method", { enum: AUTH_METHODS }).notNull(),
    tokenId: uuid("token_id").references(() => tokens.id, { onDelete: "set null" }),
    /** Who minted the token the session signed in with (console user's email or `cli:…`); null for a JWT. */
    tokenMintedBy: text("token_minted_by"),
    applicationName: text("application_name"),
    clientAddress: text("client_address").notNull(),
    isTls: boolean("is_tls").notNull(),
    protocolVersion: text("protocol_version").notNull(),
    /** host:pid of the gateway worker that served it. */
    gatewayInstance: text("gateway_instance").notNull(),
    recordingMode: text("recording_mode", { enum: RECORDING_MODES }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    endReason: text("end_reason"),
    /** An admin ended the session from the console: who, and the reason they gave (the gateway closes it with end reason ended_by_admin). */
    endRequestedBy: text("end_requested_by"),
    endRequestedAt: timestamp("end_requested_at", { withTimezone: true }),
    endRequestReason: text("end_request_reason"),
    statementCount: integer("statement_count").notNull().default(0),
    errorCount: integer("error_count").notNull().default(0),
  },
  (t) => [
    index("sessions_started_at_idx").on(t.startedAt.desc(), t.id),
    index("sessions_user_name_started_at_idx").on(t.userName, t.startedAt.desc()),
    index("sessions_connection_id_started_at_idx").on(t.connectionId, t.startedAt.desc()),
    index("sessions_actor_kind_started_at_idx").on(t.actorKind, t.startedAt.desc()),
    index("sessions_with_errors_started_at_idx").on(t.startedAt.desc()).where(sql`${t.errorCount} > 0`),
    index("sessions_open_idx").on(t.gatewayInstance).where(sql`${t.endedAt} is null`),
  ],
);

export type Session = typeof sessions.$inferSelect;
