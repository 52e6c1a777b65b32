import { boolean, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { ACTOR_KINDS } from "./tokens";

/**
 * Identity providers whose JWTs the gateway accepts as passwords. A token must come from `issuer`,
 * name `audience`, verify against the issuer's JWKS (`jwksUri`, or the one its discovery document
 * names), and carry the user in `userClaim` and the groups in `groupsClaim`.
 */
export const trustedIssuers = pgTable("trusted_issuers", {
  id: uuid("id").primaryKey().defaultRandom(),
  issuer: text("issuer").notNull().unique(),
  audience: text("audience").notNull(),
  jwksUri: text("jwks_uri"),
  userClaim: text("user_claim").notNull().default("email"),
  groupsClaim: text("groups_claim").notNull().default("groups"),
  actorKind: text("actor_kind", { enum: ACTOR_KINDS }).notNull().default("human"),
  isEnabled: boolean("is_enabled").notNull().default(true),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type TrustedIssuer = typeof trustedIssuers.$inferSelect;
