import { createHmac, timingSafeEqual } from "node:crypto";
import { deriveKey } from "@/lib/crypto/credentials";

/**
 * A CancelRequest passed from one gateway worker to the others through the store (NOTIFY on
 * STORE_CHANNELS.cancelRequested), when the key it names was handed out by another worker.
 *
 * The payload never carries the client's secret key, since anyone able to LISTEN on the store would
 * then learn live cancel keys. It carries our process id, the time it was sent, and an HMAC (under a
 * key derived from WARDEN_SECRET_KEY) over both and the secret key. Only a worker holding that secret
 * key can recompute the tag, so a worker cancels only its own session whose key the client really
 * presented; without WARDEN_SECRET_KEY nobody can forge one, and a tag seen on the channel is good
 * only for a short while.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS
 */
export type CancelSignal = { processId: number; sentAt: number; tag: Buffer };

const VERSION = "v1";
/** Generous, because workers on different hosts may disagree on the time a little. */
export const CANCEL_SIGNAL_MAX_AGE_MS = 30_000;

/** The HMAC key for cancel signals, bound to this purpose so it serves nothing else. */
export function cancelSigningKey(secretKey: Buffer): Buffer {
  return deriveKey(secretKey, "warden/cancel-signal/v1");
}

function tagFor(signingKey: Buffer, processId: number, sentAt: number, cancelKey: Buffer): Buffer {
  return createHmac("sha256", signingKey).update(`${VERSION}:${processId}:${sentAt}:`).update(cancelKey).digest();
}

/** "v1:<processId>:<sentAt ms>:<tag base64url>", well under NOTIFY's 8000-byte payload limit. */
export function encodeCancelSignal(signingKey: Buffer, processId: number, cancelKey: Buffer, now = Date.now()): string {
  return `${VERSION}:${processId}:${now}:${tagFor(signingKey, processId, now, cancelKey).toString("base64url")}`;
}

/** The signal in a payload, or null for anything malformed (ignored, as PostgreSQL ignores bad cancels). */
export function decodeCancelSignal(payload: string): CancelSignal | null {
  const match = /^v1:(\d{1,10}):(\d{1,15}):([A-Za-z0-9_-]{43})$/.exec(payload);
  if (!match) return null;
  const processId = Number(match[1]);
  if (processId < 1 || processId > 2 ** 31 - 1) return null;
  return { processId, sentAt: Number(match[2]), tag: Buffer.from(match[3]!, "base64url") };
}

/** True when `signal` was made, recently, from this exact cancel key. */
export function isSignalForKey(signingKey: Buffer, signal: CancelSignal, cancelKey: Buffer, now = Date.now()): boolean {
  if (Math.abs(now - signal.sentAt) > CANCEL_SIGNAL_MAX_AGE_MS) return false;
  const expected = tagFor(signingKey, signal.processId, signal.sentAt, cancelKey);
  return expected.length === signal.tag.length && timingSafeEqual(expected, signal.tag);
}
