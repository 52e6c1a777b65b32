import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

/**
 * Database credentials at rest: AES-256-GCM under a key derived from WARDEN_SECRET_KEY.
 * Format: "v1:" + base64(iv(12) | tag(16) | ciphertext). The connection id is bound as
 * associated data so a ciphertext copied onto another connection row does not decrypt.
 */
const VERSION = "v1";

function credentialKey(secretKey: Buffer): Buffer {
  return deriveKey(secretKey, "warden/credentials/v1");
}

/** A purpose-bound subkey, so one installation secret can safely serve several uses. */
export function deriveKey(secretKey: Buffer, purpose: string): Buffer {
  return createHmac("sha256", secretKey).update(purpose).digest();
}

export function encryptCredential(secretKey: Buffer, plaintext: string, boundTo: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", credentialKey(secretKey), iv);
  cipher.setAAD(Buffer.from(boundTo));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

export function decryptCredential(secretKey: Buffer, stored: string, boundTo: string): string {
  const [version, payload] = stored.split(":");
  if (version !== VERSION || !payload) throw new Error("Stored credential has an unknown format.");
  const raw = Buffer.from(payload, "base64");
  const decipher = createDecipheriv("aes-256-gcm", credentialKey(secretKey), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(boundTo));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("Stored credential cannot be decrypted: WARDEN_SECRET_KEY differs from the one it was saved with.");
  }
}

/**
 * The CA certificate (PEM) stored on a connection for verify-ca/verify-full: not a secret, but
 * write-only like the password and encrypted the same way, so a store reader cannot swap in a CA
 * of their own. Bound to the connection id and its own purpose, so the password's ciphertext
 * cannot be moved into this column (or back).
 */
export function encryptCaCertificate(secretKey: Buffer, pem: string, connectionId: string): string {
  return encryptCredential(secretKey, pem, `${connectionId}/ca-certificate`);
}

export function decryptCaCertificate(secretKey: Buffer, stored: string, connectionId: string): string {
  return decryptCredential(secretKey, stored, `${connectionId}/ca-certificate`);
}
