import { deriveKey } from "./credentials";

/**
 * The keyed hash's key purpose: one key per installation, derived from WARDEN_SECRET_KEY for masking
 * only. The gateway and the console's masking preview both derive it here, so a hash the preview
 * shows is the one a client sees.
 */
export const MASKING_HASH_KEY_PURPOSE = "warden/masking-hash/v1";

export function deriveMaskingKey(secretKey: Buffer): Buffer {
  return deriveKey(secretKey, MASKING_HASH_KEY_PURPOSE);
}
