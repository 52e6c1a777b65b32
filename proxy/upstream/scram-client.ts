import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { deriveSaltedPassword, MAX_SCRAM_ITERATIONS } from "./salted-password";

/**
 * The client side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677, RFC 5929
 * tls-server-end-point) as PostgreSQL uses it: user name taken from the startup packet ("n=*").
 * https://www.postgresql.org/docs/current/sasl-authentication.html#SASL-SCRAM-SHA-256
 */
export const ScramMechanism = {
  Sha256: "SCRAM-SHA-256",
  Sha256Plus: "SCRAM-SHA-256-PLUS",
} as const;
export type ScramMechanism = (typeof ScramMechanism)[keyof typeof ScramMechanism];

/**
 * A SCRAM exchange the gateway ends itself. `sqlState` classifies it: 08P01 (protocol_violation)
 * for a message that does not follow the protocol, 28000 (invalid_authorization_specification)
 * when the server did not prove it knows the password or tried to drop channel binding.
 */
export class ScramError extends Error {
  override name = "ScramError";
  constructor(
    readonly sqlState: "08P01" | "28000",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Which mechanism to use from the server's list. With TLS, PLUS whenever the server offers it (and
 * never plain SCRAM then: that is the downgrade a man in the middle would ask for); plain SCRAM
 * only when PLUS is not offered, announcing with "y" that the client could bind, so a real server
 * that does support binding refuses the exchange. Without TLS there is no channel to bind.
 */
export function chooseScramMechanism(offered: readonly string[], isTls: boolean): ScramMechanism {
  if (isTls && offered.includes(ScramMechanism.Sha256Plus)) return ScramMechanism.Sha256Plus;
  if (offered.includes(ScramMechanism.Sha256)) return ScramMechanism.Sha256;
  if (offered.includes(ScramMechanism.Sha256Plus)) throw new ScramError("28000", "the server offers only SCRAM-SHA-256-PLUS, which needs TLS, on a connection without TLS");
  throw new ScramError("28000", `the server offers only ${offered.join(", ") || "no mechanism"}, which the gateway does not support`);
}

export type ScramClient = {
  readonly mechanism: ScramMechanism;
  /** SASLInitialResponse data. */
  clientFirst(): string;
  /** SASLResponse data, given the server's first message (AuthenticationSASLContinue). PBKDF2 runs off the event loop. */
  clientFinal(serverFirst: string): Promise<string>;
  /** Checks the server's signature (AuthenticationSASLFinal): the server knew the password too. */
  verifyServerFinal(serverFinal: string): void;
  /** True once the server's signature was checked: AuthenticationOk before that is a failed sign-in. */
  readonly isServerVerified: boolean;
};

export type ScramOptions = {
  mechanism?: ScramMechanism;
  /** tls-server-end-point data, required for SCRAM-SHA-256-PLUS. */
  channelBinding?: Buffer;
  /** Whether the connection is TLS: then plain SCRAM says "y" (could bind, server did not offer it). */
  isTls?: boolean;
  nonce?: string;
  user?: string;
};

export function createScramClient(password: string, opts: ScramOptions = {}): ScramClient {
  const mechanism = opts.mechanism ?? ScramMechanism.Sha256;
  if (mechanism === ScramMechanism.Sha256Plus && !opts.channelBinding) throw new ScramError("28000", "SCRAM-SHA-256-PLUS needs the server's certificate for channel binding");
  const gs2Header = mechanism === ScramMechanism.Sha256Plus ? "p=tls-server-end-point,," : opts.isTls ? "y,," : "n,,";
  const channelBindingAttr = Buffer.concat([Buffer.from(gs2Header), mechanism === ScramMechanism.Sha256Plus ? opts.channelBinding! : Buffer.alloc(0)]).toString("base64");
  const clientNonce = opts.nonce ?? randomBytes(18).toString("base64");
  const clientFirstBare = `n=${opts.user ?? "*"},r=${clientNonce}`;
  let expectedServerSignature: Buffer | undefined;
  let isServerVerified = false;

  return {
    mechanism,
    clientFirst: () => `${gs2Header}${clientFirstBare}`,
    async clientFinal(serverFirst) {
      if (expectedServerSignature) throw new ScramError("08P01", "SCRAM: the server sent its first message twice");
      const attrs = parseAttributes(serverFirst);
      const nonce = attrs.get("r");
      const salt = attrs.get("s");
      const iterations = Number(attrs.get("i"));
      if (!nonce || !salt || !Number.isSafeInteger(iterations) || iterations < 1) throw new ScramError("08P01", "SCRAM: malformed server-first-message");
      if (iterations > MAX_SCRAM_ITERATIONS) throw new ScramError("08P01", `SCRAM: the server asks for ${iterations} iterations, more than the ${MAX_SCRAM_ITERATIONS} the gateway computes`);
      if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) throw new ScramError("08P01", "SCRAM: server nonce does not extend the client nonce");
      const salted = await deriveSaltedPassword(normalizePassword(password), Buffer.from(salt, "base64"), iterations);
      const clientKey = hmac(salted, "Client Key");
      const storedKey = createHash("sha256").update(clientKey).digest();
      const withoutProof = `c=${channelBindingAttr},r=${nonce}`;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const clientSignature = hmac(storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSignature[i];
      expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
      return `${withoutProof},p=${proof.toString("base64")}`;
    },
    verifyServerFinal(serverFinal) {
      const attrs = parseAttributes(serverFinal);
      if (attrs.has("e")) throw new ScramError("28000", `SCRAM: server reported ${attrs.get("e")}`);
      if (!expectedServerSignature) throw new ScramError("08P01", "SCRAM: the server sent its final message before the client's proof");
      const v = attrs.get("v");
      const got = v ? Buffer.from(v, "base64") : Buffer.alloc(0);
      // Constant time: the length is public (32 bytes), the content is compared without early exit.
      const padded = Buffer.alloc(expectedServerSignature.length);
      got.copy(padded, 0, 0, padded.length);
      if (!timingSafeEqual(padded, expectedServerSignature) || got.length !== expectedServerSignature.length) {
        throw new ScramError("28000", "SCRAM: the server's signature does not match; it may not be the server it claims to be");
      }
      isServerVerified = true;
    },
    get isServerVerified() {
      return isServerVerified;
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
