import { createHmac, pbkdf2, randomBytes } from "node:crypto";

/**
 * SCRAM's SaltedPassword = Hi(password, salt, i) (RFC 5802, section 3): PBKDF2-HMAC-SHA-256.
 *
 * Runs on libuv's thread pool (async `pbkdf2`), never on the event loop: a role with a high
 * `scram_iterations` would otherwise stall every other session of the worker for the whole
 * derivation. The result is cached per (password, salt, iterations), as poolers do, because a
 * server answers every sign-in of a role with the same salt and count: the second session of a
 * connection costs no PBKDF2 at all. The cache key is an HMAC under a per-process random key, so
 * the map holds no password, and the map is bounded.
 */
const MAX_ENTRIES = 256;
const keyOfCache = randomBytes(32);
const cache = new Map<string, Promise<Buffer>>();
let derivations = 0;

/** Iteration counts above this are refused: a hostile server could otherwise pin a thread for hours. */
export const MAX_SCRAM_ITERATIONS = 10_000_000;

export function deriveSaltedPassword(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const key = createHmac("sha256", keyOfCache).update(password).update("\0").update(salt).update(`\0${iterations}`).digest("base64");
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last, so the oldest entry is the first one evicted.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  derivations++;
  const derived = new Promise<Buffer>((resolve, reject) => pbkdf2(password, salt, iterations, 32, "sha256", (err, out) => (err ? reject(err) : resolve(out))));
  cache.set(key, derived);
  // A failed derivation is not remembered.
  derived.catch(() => cache.delete(key));
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return derived;
}

/** How many derivations actually ran (cache misses), for tests and metrics. */
export function countSaltedPasswordDerivations(): number {
  return derivations;
}
