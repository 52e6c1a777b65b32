import { sql } from "drizzle-orm";
import { boolean, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;

/**
 * The catalog of PostgreSQL targets. `name` is what clients pass as the database name to the gateway.
 * The password is stored only as AES-256-GCM ciphertext (lib/crypto) and never leaves the server.
 */
export const connections = pgTable("connections", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  host: text("host").notNull(),
  port: integer("port").notNull().default(5432),
  database: text("database").notNull(),
  username: text("username").notNull(),
  passwordCiphertext: text("password_ciphertext"),
  sslmode: text("sslmode", { enum: SSL_MODES }).notNull().default("require"),
  /** PEM of the CA that signs the server's certificate, for verify-ca/verify-full; encrypted like the password, write-only. */
  caCertificateCiphertext: text("ca_certificate_ciphertext"),
  /** The admin's explicit opt-in to answer an MD5 password challenge on a connection without TLS. */
  allowMd5WithoutTls: boolean("allow_md5_without_tls").notNull().default(false),
  allowedGroups: text("allowed_groups").array().notNull().default(sql`'{}'::text[]`),
  description: text("description").notNull().default(""),
  /** Health: the last "Test connection" of the saved connection (or a check by the console), its result and when. */
  lastTestedAt: timestamp("last_tested_at", { withTimezone: true }),
  lastTestOk: boolean("last_test_ok"),
  lastTestMessage: text("last_test_message"),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Connection = typeof connections.$inferSelect;
