/**
 * When the stored credential of a connection may go to the upstream server, shared by the gateway's
 * sign-in (proxy/upstream) and the console's own connections (Test connection, schema browser), so
 * both follow one rule. Pure: no `node:` imports.
 */
import type { SslMode } from "./contracts/connections";

/** How the upstream asked for the password: https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP */
export const PasswordChallenge = {
  Cleartext: "cleartext",
  Md5: "md5",
} as const;
export type PasswordChallenge = (typeof PasswordChallenge)[keyof typeof PasswordChallenge];

/** How the gateway (or the console) signed in upstream, as recorded and shown by Test connection. */
export const UPSTREAM_AUTH_METHODS = ["scram-sha-256-plus", "scram-sha-256", "md5", "md5-without-tls", "cleartext-over-tls", "trust"] as const;
export type UpstreamAuthMethod = (typeof UPSTREAM_AUTH_METHODS)[number];

export type ChallengeVerdict = { ok: true; method: UpstreamAuthMethod } | { ok: false; reason: string };

/**
 * Cleartext only inside TLS; MD5 inside TLS, or without it where the admin opted in on the
 * connection (an MD5 response is replayable by anyone who sees the salt and the answer, and the
 * hash is the password's equivalent for this server). Decided before a byte of the answer is sent.
 */
export function judgePasswordChallenge(challenge: PasswordChallenge, ctx: { isTls: boolean; allowMd5WithoutTls: boolean }): ChallengeVerdict {
  if (challenge === PasswordChallenge.Cleartext) {
    return ctx.isTls
      ? { ok: true, method: "cleartext-over-tls" }
      : { ok: false, reason: "the server asked for the password in cleartext on a connection without TLS; Warden sends the stored password in cleartext only inside TLS" };
  }
  if (ctx.isTls) return { ok: true, method: "md5" };
  return ctx.allowMd5WithoutTls
    ? { ok: true, method: "md5-without-tls" }
    : { ok: false, reason: "the server asked for an MD5 password on a connection without TLS, and this connection does not allow MD5 without TLS" };
}

/** sslmodes under which the server's certificate is checked against a trusted CA. */
export function isVerifiedTls(sslmode: SslMode): boolean {
  return sslmode === "verify-ca" || sslmode === "verify-full";
}

/** sslmodes that need a stored CA certificate to be saved. */
export const needsCaCertificate = isVerifiedTls;

/**
 * The console's warning for a connection whose credential reaches the server without verified TLS,
 * or null. Worded per mode, since "no TLS" and "TLS with any certificate" are different exposures.
 */
export function credentialExposureWarning(c: { sslmode: SslMode; allowMd5WithoutTls?: boolean }): string | null {
  switch (c.sslmode) {
    case "disable":
      return `No TLS: the sign-in runs in the clear${c.allowMd5WithoutTls ? " (an MD5 answer is allowed)" : ""}, and the server's identity is not checked.`;
    case "prefer":
      return "TLS only if the server offers it, with no certificate check: an attacker on the network can pose as the server.";
    case "require":
      return "TLS without a certificate check: an attacker on the network can pose as the server and receive the sign-in.";
    default:
      return null;
  }
}

/** One line per sslmode, for the connection form. */
export const SSL_MODE_HELP: Record<SslMode, string> = {
  disable: "No TLS. Only SCRAM sign-in is possible (and MD5 if allowed below); the server is not authenticated.",
  prefer: "TLS if the server offers it, else plain. The certificate is not checked.",
  require: "TLS always; the certificate is not checked, so a man in the middle is not detected.",
  "verify-ca": "TLS; the server's certificate must chain to the CA certificate stored below. The host name is not checked.",
  "verify-full": "TLS; the certificate must chain to the stored CA and name this host. Recommended.",
};
