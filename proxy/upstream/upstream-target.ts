import type { Connection } from "@/drizzle/schema";
import { decryptCaCertificate, decryptCredential } from "@/lib/crypto/credentials";
import type { UpstreamTarget } from "./connect-upstream";

/** The stored secrets of a catalog row could not be decrypted (WARDEN_SECRET_KEY changed). */
export class StoredSecretUnreadable extends Error {
  override name = "StoredSecretUnreadable";
}

/**
 * Where and how the gateway signs in for a catalog entry: its address, sslmode, the stored CA and
 * password (decrypted only now, in this worker's memory) and the MD5 opt-in.
 */
export function upstreamTargetOf(secretKey: Buffer, c: Connection): UpstreamTarget {
  try {
    return {
      host: c.host,
      port: c.port,
      sslmode: c.sslmode,
      database: c.database,
      username: c.username,
      password: c.passwordCiphertext ? decryptCredential(secretKey, c.passwordCiphertext, c.id) : undefined,
      caCertificate: c.caCertificateCiphertext ? decryptCaCertificate(secretKey, c.caCertificateCiphertext, c.id) : undefined,
      allowMd5WithoutTls: c.allowMd5WithoutTls,
    };
  } catch (err) {
    throw new StoredSecretUnreadable((err as Error).message);
  }
}
