import "server-only";
import pg from "pg";
import { decryptCredential } from "@/lib/crypto/credentials";
import type { SslMode } from "@/lib/shared/contracts/connections";

export type TargetParams = { host: string; port: number; database: string; username: string; password?: string; sslmode: SslMode };

/** The stored password of a catalog row, decrypted on the server only for the moment it is needed. */
export function storedPassword(secretKey: Buffer, row: { id: string; passwordCiphertext: string | null }): string | undefined {
  return row.passwordCiphertext ? decryptCredential(secretKey, row.passwordCiphertext, row.id) : undefined;
}

function sslOption(mode: SslMode, host: string): pg.ClientConfig["ssl"] {
  switch (mode) {
    case "disable":
      return false;
    case "prefer":
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      // Chain must verify; the host name need not match.
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true, servername: host };
  }
}

const NO_TLS = /does not support SSL/i;

/**
 * Connects to a target with libpq's sslmode semantics: `prefer` tries TLS first and falls back to a
 * plain connection only when the server has no TLS.
 */
export async function connectTarget(p: TargetParams, opts: { timeoutMs?: number } = {}): Promise<{ client: pg.Client; tls: boolean }> {
  const attempt = async (ssl: pg.ClientConfig["ssl"]) => {
    const client = new pg.Client({
      host: p.host,
      port: p.port,
      database: p.database,
      user: p.username,
      password: p.password ?? "",
      ssl,
      connectionTimeoutMillis: opts.timeoutMs ?? 5000,
      application_name: "warden-console",
      statement_timeout: 15_000,
    });
    client.on("error", () => {});
    await client.connect();
    return client;
  };
  const ssl = sslOption(p.sslmode, p.host);
  try {
    return { client: await attempt(ssl), tls: ssl !== false };
  } catch (err) {
    if (p.sslmode === "prefer" && NO_TLS.test(String((err as Error).message))) {
      return { client: await attempt(false), tls: false };
    }
    throw err;
  }
}

/** Turns a driver error into the sentence an admin needs to fix the connection. */
export function describeConnectError(err: unknown, p: TargetParams): { error: string; code?: string } {
  const e = err as Error & { code?: string; errno?: number };
  const where = `${p.host}:${p.port}`;
  switch (e.code) {
    case "ECONNREFUSED":
      return { code: e.code, error: `Connection refused by ${where}: is PostgreSQL running there and listening on that port?` };
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return { code: e.code, error: `Host "${p.host}" could not be resolved.` };
    case "ETIMEDOUT":
      return { code: e.code, error: `Timed out connecting to ${where}.` };
    case "28P01":
      return { code: e.code, error: `Password authentication failed for user "${p.username}".` };
    case "28000":
      return { code: e.code, error: `The server refused user "${p.username}": ${e.message}` };
    case "3D000":
      return { code: e.code, error: `Database "${p.database}" does not exist on ${where}.` };
  }
  if (/timeout/i.test(e.message)) return { error: `Timed out connecting to ${where}.` };
  if (NO_TLS.test(e.message)) return { error: `TLS is required by sslmode=${p.sslmode}, but ${where} does not support SSL connections.` };
  if (/no pg_hba.conf entry.*no encryption/i.test(e.message)) return { code: e.code, error: `The server requires TLS for this user: ${e.message}. Choose sslmode "require" or stricter.` };
  if (/self[- ]signed|unable to verify|certificate/i.test(e.message)) return { error: `TLS certificate check failed (sslmode=${p.sslmode}): ${e.message}` };
  if (/password must be a string|SASL/i.test(e.message)) return { error: `The server asks for a password, and none is stored for user "${p.username}".` };
  return { code: e.code, error: e.message || String(err) };
}
