import { decryptCredential, encryptCredential } from "@/lib/crypto/credentials";

/**
 * A webhook's signing secret at rest: AES-256-GCM under WARDEN_SECRET_KEY (lib/crypto), bound to the
 * sink's id and to this purpose, so a ciphertext copied onto another sink, or into a connection's
 * credential column, does not decrypt.
 */
export function encryptSinkSecret(secretKey: Buffer, plain: string, sinkId: string): string {
  return encryptCredential(secretKey, plain, `${sinkId}/event-sink-secret`);
}

export function decryptSinkSecret(secretKey: Buffer, stored: string, sinkId: string): string {
  return decryptCredential(secretKey, stored, `${sinkId}/event-sink-secret`);
}
