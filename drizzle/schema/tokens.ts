import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { connections } from "./connections";

/** Who is behind a gateway session: a person at a terminal, an AI agent, or an automated service. */
export const ACTOR_KINDS = ["human", "agent", "service"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * Warden tokens: the password a client gives the gateway. Stored only as an HMAC (lib/crypto/tokens),
 * scoped to one connection, with an expiry and revocation. `groups` is the holder's group membership
 * when the token was minted, used when the holder has no console user row (service accounts).
 */
export const tokens = pgTable(
  "tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The first characters of the token, for lists ("wdn_3fQ9aZ…"). */
    hint: text("hint").notNull(),
    /** The user name the token signs in as: an email, or a service account's name. */
    userName: text("user_name").notNull(),
    actorKind: text("actor_kind", { enum: ACTOR_KINDS }).notNull().default("human"),
    agentName: text("agent_name"),
    connectionId: uuid("connection_id")
      .notNull()
      .references(() => connections.id, { onDelete: "cascade" }),
    groups: text("groups").array().notNull().default(sql`'{}'::text[]`),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: text("revoked_by"),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("tokens_user_name_idx").on(t.userName), index("tokens_connection_id_idx").on(t.connectionId), index("tokens_expires_at_idx").on(t.expiresAt)],
);

export type Token = typeof tokens.$inferSelect;
