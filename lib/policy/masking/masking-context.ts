/**
 * What masking needs from the outside world: a keyed hash. Kept as an injected function so that
 * everything under `lib/policy/masking/` stays pure and runs in the browser (policy previews) as
 * well as in the gateway, which injects the `node:crypto` implementation from `keyed-hash-node.ts`.
 */

/** HMAC-SHA256 of `data` (UTF-8) under `key`, as lowercase hex. */
export type HmacSha256 = (key: Uint8Array, data: string) => string;

export type MaskingContext = {
  /** HMAC-SHA256 of `data` under the installation's masking key, as lowercase hex. */
  hmac(data: string): string;
};

/** Shorter keys make the hash guessable by brute force over likely values (emails, phones). */
export const MIN_MASKING_KEY_BYTES = 16;

/** Binds an HMAC implementation to the installation's masking key. */
export function createMaskingContext(hmacSha256: HmacSha256, key: Uint8Array): MaskingContext {
  if (key.length < MIN_MASKING_KEY_BYTES) {
    throw new Error(`The masking key must be at least ${MIN_MASKING_KEY_BYTES} bytes.`);
  }
  // A private copy: a caller that reuses or zeroes its buffer must not change the key under us.
  const ownKey = key.slice();
  return { hmac: (data) => hmacSha256(ownKey, data) };
}
