import "server-only";
import type tls from "node:tls";
import pg from "pg";
import type { Connection } from "@/drizzle/schema";
import { decryptCaCertificate, decryptCredential } from "@/lib/crypto/credentials";
import type { SslMode } from "@/lib/shared/contracts/connections";
import { isVerifiedTls, judgePasswordChallenge, PasswordChallenge, type UpstreamAuthMethod } from "@/lib/shared/upstream-credential";

export type TargetParams = {
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  sslmode: SslMode;
  /** PEM of the CA for verify-ca/verify-full: the only trust anchor used. */
  caCertificate?: string;
  allowMd5WithoutTls?: boolean;
};

/** What the console's connection to a target used: shown by Test connection. */
export type TargetSignIn = {
  authMethod: UpstreamAuthMethod;
  tls: { version: string; cipher: string; isVerified: boolean } | null;
};

/** The stored password of a catalog row, decrypted on the server only for the moment it is needed. */
export function storedPassword(secretKey: Buffer, row: { id: string; passwordCiphertext: string | null }): string | undefined {
  return row.passwordCiphertext ? decryptCredential(secretKey, row.passwordCiphertext, row.id) : undefined;
}

/** A catalog row as connection parameters, its password and CA decrypted. */
export function targetParamsOf(secretKey: Buffer, row: Connection): TargetParams {
  return {
    host: row.host,
    port: row.port,
    database: row.database,
    username: row.username,
    sslmode: row.sslmode,
    password: storedPassword(secretKey, row),
    caCertificate: row.caCertificateCiphertext ? decryptCaCertificate(secretKey, row.caCertificateCiphertext, row.id) : undefined,
    allowMd5WithoutTls: row.allowMd5WithoutTls,
  };
}

/**
 * The console refused to go on with a sign-in, by the same rules as the gateway
 * (lib/shared/upstream-credential.ts): the password would have gone without TLS, or the server
 * ended SCRAM without proving it knows the password.
 */
export class TargetSignInRefused extends Error {
  override name = "TargetSignInRefused";
}

function sslOption(p: TargetParams): pg.ClientConfig["ssl"] {
  switch (p.sslmode) {
    case "disable":
      return false;
    case "prefer":
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      // Chain must verify to the stored CA; the host name need not match.
      return { rejectUnauthorized: true, ca: p.caCertificate, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true, ca: p.caCertificate, servername: p.host };
  }
}

const NO_TLS = /does not support SSL/i;

/**
 * Connects to a target with libpq's sslmode semantics: `prefer` tries TLS first and falls back to a
 * plain connection only when the server has no TLS. The sign-in follows the gateway's rules: the
 * password in cleartext only inside TLS, MD5 without TLS only by the connection's opt-in, SCRAM
 * with channel binding over TLS, and a SCRAM exchange must end with the server's signature.
 */
export async function connectTarget(p: TargetParams, opts: { timeoutMs?: number } = {}): Promise<{ client: pg.Client; tls: boolean; signIn: TargetSignIn }> {
  if (isVerifiedTls(p.sslmode) && !p.caCertificate) {
    throw new TargetSignInRefused(`sslmode=${p.sslmode} needs the CA certificate stored on the connection, and none is stored.`);
  }
  const attempt = async (ssl: pg.ClientConfig["ssl"]) => {
    let method: UpstreamAuthMethod = "trust";
    let refusal: TargetSignInRefused | null = null;
    let isScramStarted = false;
    let isScramFinal = false;
    const client = new pg.Client({
      host: p.host,
      port: p.port,
      database: p.database,
      user: p.username,
      // Called by the driver when the server asks for the password, after the listeners below
      // noted how it asked: a refusal here means nothing of the password is sent.
      password: async () => {
        if (refusal) throw refusal;
        return p.password ?? "";
      },
      ssl,
      enableChannelBinding: ssl !== false,
      connectionTimeoutMillis: opts.timeoutMs ?? 5000,
      application_name: "warden-console",
      statement_timeout: 15_000,
    });
    client.on("error", () => {});
    const con = (client as unknown as { connection: PgConnection }).connection;
    const isTls = () => (con.stream as tls.TLSSocket | undefined)?.encrypted === true;
    const judge = (challenge: PasswordChallenge) => {
      const verdict = judgePasswordChallenge(challenge, { isTls: isTls(), allowMd5WithoutTls: p.allowMd5WithoutTls ?? false });
      if (verdict.ok) method = verdict.method;
      else refusal = new TargetSignInRefused(`Warden did not send the password: ${verdict.reason}.`);
    };
    con.prependListener("authenticationCleartextPassword", () => judge(PasswordChallenge.Cleartext));
    con.prependListener("authenticationMD5Password", () => judge(PasswordChallenge.Md5));
    con.prependListener("authenticationSASL", (msg: { mechanisms: string[] }) => {
      isScramStarted = true;
      method = isTls() && msg.mechanisms.includes("SCRAM-SHA-256-PLUS") ? "scram-sha-256-plus" : "scram-sha-256";
    });
    con.prependListener("authenticationSASLFinal", () => (isScramFinal = true));
    con.prependListener("authenticationOk", () => {
      if (isScramStarted && !isScramFinal) {
        con.emit("error", new TargetSignInRefused("The server ended SCRAM without proving it knows the password (no server signature)."));
        con.stream?.destroy();
      }
    });
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    const socket = con.stream as tls.TLSSocket;
    const tlsInfo = socket.encrypted ? { version: socket.getProtocol() ?? "unknown", cipher: socket.getCipher()?.name ?? "unknown", isVerified: isVerifiedTls(p.sslmode) && socket.authorized } : null;
    return { client, tls: tlsInfo !== null, signIn: { authMethod: method, tls: tlsInfo } };
  };
  const ssl = sslOption(p);
  try {
    return await attempt(ssl);
  } catch (err) {
    if (p.sslmode === "prefer" && NO_TLS.test(String((err as Error).message))) return attempt(false);
    throw err;
  }
}

/** The driver's connection object, as far as the guards above use it. */
type PgConnection = import("node:events").EventEmitter & { stream?: import("node:stream").Duplex };

/** Turns a driver error into the sentence an admin needs to fix the connection. */
export function describeConnectError(err: unknown, p: TargetParams): { error: string; code?: string } {
  if (err instanceof TargetSignInRefused) return { code: "WARDEN_SIGN_IN_REFUSED", error: err.message };
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
  // node-postgres's SCRAM errors carry no code, only "SASL: …" text.
  if (!p.password && /password must be a (non-empty )?string/i.test(e.message)) return { error: `The server asks for a password, and none is stored for user "${p.username}".` };
  if (/^SASL/.test(e.message)) return { code: "WARDEN_SIGN_IN_REFUSED", error: `The SCRAM sign-in failed: ${e.message}. The server may not be the one it claims to be.` };
  return { code: e.code, error: e.message || String(err) };
}
