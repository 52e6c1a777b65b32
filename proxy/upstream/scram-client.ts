import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it: no channel binding,
 * user name taken from the startup packet ("n=*").
 * https://www.postgresql.org/docs/current/sasl-authentication.html#SASL-SCRAM-SHA-256
 */
export const SCRAM_SHA_256 = "SCRAM-SHA-256";

export type ScramClient = {
  /** SASLInitialResponse data. */
  clientFirst(): string;
  /** SASLResponse data, given the server's first message (AuthenticationSASLContinue). */
  clientFinal(serverFirst: string): string;
  /** Checks the server's signature (AuthenticationSASLFinal): the server knew the password too. */
  verifyServerFinal(serverFinal: string): void;
};

export function createScramClient(password: string, opts: { nonce?: string; user?: string } = {}): ScramClient {
  const clientNonce = opts.nonce ?? randomBytes(18).toString("base64");
  const clientFirstBare = `n=${opts.user ?? "*"},r=${clientNonce}`;
  let expectedServerSignature: Buffer | undefined;

  return {
    clientFirst: () => `n,,${clientFirstBare}`,
    clientFinal(serverFirst) {
      const attrs = parseAttributes(serverFirst);
      const nonce = attrs.get("r");
      const salt = attrs.get("s");
      const iterations = Number(attrs.get("i"));
      if (!nonce || !salt || !Number.isInteger(iterations) || iterations < 1) throw new Error("SCRAM: malformed server-first-message");
      if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) throw new Error("SCRAM: server nonce does not extend the client nonce");
      const salted = pbkdf2Sync(normalizePassword(password), Buffer.from(salt, "base64"), iterations, 32, "sha256");
      const clientKey = hmac(salted, "Client Key");
      const storedKey = createHash("sha256").update(clientKey).digest();
      const withoutProof = `c=biws,r=${nonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const clientSignature = hmac(storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSignature[i];
      expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
      return `${withoutProof},p=${proof.toString("base64")}`;
    },
    verifyServerFinal(serverFinal) {
      const attrs = parseAttributes(serverFinal);
      if (attrs.has("e")) throw new Error(`SCRAM: server reported ${attrs.get("e")}`);
      const v = attrs.get("v");
      const got = v ? Buffer.from(v, "base64") : Buffer.alloc(0);
      if (!expectedServerSignature || got.length !== expectedServerSignature.length || !timingSafeEqual(got, expectedServerSignature)) {
        throw new Error("SCRAM: the server's signature does not match; it may not be the server it claims to be");
      }
    },
  };
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function parseAttributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/** PostgreSQL applies SASLprep to non-ASCII passwords; NFKC covers the cases that matter in practice. */
function normalizePassword(password: string): string {
  return /^[\x00-\x7f]*$/.test(password) ? password : password.normalize("NFKC");
}
