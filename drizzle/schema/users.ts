import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** People who signed in to the console; updated from the IdP's claims at every sign-in. */
export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name"),
  subject: text("subject"),
  groups: text("groups").array().notNull().default(sql`'{}'::text[]`),
  roles: text("roles").array().notNull().default(sql`'{}'::text[]`),
  firstSignInAt: timestamp("first_sign_in_at", { withTimezone: true }).notNull().defaultNow(),
  lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }).notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
