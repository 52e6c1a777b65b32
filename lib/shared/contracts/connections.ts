import { z } from "zod";
import type { UpstreamAuthMethod } from "../upstream-credential";
import { groupNameList } from "./group-names";

export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** What clients pass as the database name to the gateway, so it is kept simple and unambiguous. */
export const CONNECTION_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;


export const connectionFields = {
  name: z
    .string()
    .trim()
    .regex(CONNECTION_NAME_PATTERN, "Use 1–63 lowercase letters, digits, '-' or '_', starting with a letter (clients pass it as the database name)."),
  host: z
    .string()
    .trim()
    .min(1, "Enter the server's host name or IP address.")
    .max(255)
    .regex(/^[A-Za-z0-9.\-:[\]_]+$/, "Enter a host name or IP address, without scheme or port."),
  port: z.coerce.number({ error: "Enter a port number." }).int("Enter a whole number.").min(1, "Ports run from 1 to 65535.").max(65535, "Ports run from 1 to 65535."),
  database: z.string().trim().min(1, "Enter the database name on the server.").max(63, "PostgreSQL names are at most 63 characters."),
  username: z.string().trim().min(1, "Enter the database user Warden connects as.").max(63, "PostgreSQL names are at most 63 characters."),
  sslmode: z.enum(SSL_MODES, { error: "Choose an SSL mode." }).default("require"),
  /** The admin's explicit opt-in to answer an MD5 challenge without TLS (replayable by anyone on the path). */
  allowMd5WithoutTls: z.boolean().default(false),
  allowedGroups: groupNameList,
  description: z.string().trim().max(500, "Keep the description under 500 characters.").default(""),
};

/** PEM text of a CA certificate; parsed and checked by the server (lib/server/connections/ca-certificate.ts). */
const caCertificateField = z.string().max(64 * 1024, "A CA certificate file is at most 64 KiB.");

export const createConnectionInput = z.object({
  ...connectionFields,
  password: z.string().max(1000).default(""),
  caCertificate: caCertificateField.optional(),
});
export type CreateConnectionInput = z.input<typeof createConnectionInput>;

/**
 * On update the password and the CA certificate are optional: absent or empty keeps the stored one;
 * `clearPassword` / `clearCaCertificate` remove it.
 */
export const updateConnectionInput = z.object({
  ...connectionFields,
  password: z.string().max(1000).optional(),
  clearPassword: z.boolean().optional(),
  caCertificate: caCertificateField.optional(),
  clearCaCertificate: z.boolean().optional(),
});
export type UpdateConnectionInput = z.input<typeof updateConnectionInput>;

/** A draft to test before saving; with `id` and no password, the stored password is used. */
export const testConnectionInput = z.object({
  id: z.string().uuid().optional(),
  host: connectionFields.host,
  port: connectionFields.port,
  database: connectionFields.database,
  username: connectionFields.username,
  sslmode: connectionFields.sslmode,
  allowMd5WithoutTls: connectionFields.allowMd5WithoutTls,
  password: z.string().max(1000).optional(),
  /** With `id` and no certificate, the stored one is used. */
  caCertificate: caCertificateField.optional(),
});
export type TestConnectionInput = z.input<typeof testConnectionInput>;

/** What the console shows of a connection: never the password or its ciphertext. */
export type ConnectionDto = {
  id: string;
  name: string;
  host: string;
  port: number;
  database: string;
  username: string;
  sslmode: SslMode;
  allowedGroups: string[];
  description: string;
  hasPassword: boolean;
  allowMd5WithoutTls: boolean;
  /** Whether a CA certificate is stored; the PEM itself never leaves the server. */
  hasCaCertificate: boolean;
  /** The last "Test connection" of the saved settings; null until one runs (and again after the settings change). */
  health: ConnectionHealthDto | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

export type ConnectionHealthDto = {
  testedAt: string;
  isOk: boolean;
  /** The server's version and how it went, or the exact reason it failed. */
  message: string;
};

/** Sessions through the gateway to one connection: open now, and all that were open at some point in the last 24 hours. */
export type ConnectionSessionCountsDto = { open: number; last24h: number };

/** The connection list and detail: the connection with its session counts (read from the sessions table). */
export type ConnectionWithActivityDto = ConnectionDto & { sessionCounts: ConnectionSessionCountsDto };

export type TestConnectionResult =
  | {
      ok: true;
      serverVersion: string;
      latencyMs: number;
      tls: boolean;
      /** How the password went: scram-sha-256-plus, scram-sha-256, md5, md5-without-tls, cleartext-over-tls, or trust (none asked). */
      authMethod: UpstreamAuthMethod;
      /** TLS version and cipher, and whether the certificate chained to the stored CA (and named the host, for verify-full). */
      tlsDetails: { version: string; cipher: string; isVerified: boolean; verifiedAgainst: string | null } | null;
    }
  | { ok: false; error: string; code?: string };

export type SchemaColumnDto = { name: string; type: string; nullable: boolean; position: number };
export type SchemaTableDto = { schema: string; name: string; kind: "table" | "view" | "materialized view" | "foreign table" | "partitioned table"; estimatedRows: number | null; columns: SchemaColumnDto[] };
export type SchemaDto = { schemas: { name: string; tables: SchemaTableDto[] }[] };

/** Field errors keyed by field name, for forms to show next to each input. */
export type FieldErrors = Partial<Record<string, string>>;
export type ApiError = { error: string; fieldErrors?: FieldErrors };
