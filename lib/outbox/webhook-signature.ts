import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * `Warden-Signature: v1=<hex>`: HMAC-SHA256 under the sink's secret over `<timestamp>.<body>`, with
 * the timestamp from `Warden-Timestamp` (Unix seconds) and the body's exact bytes. Signing the
 * timestamp lets a receiver refuse replays older than a few minutes.
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** A receiver's check (used by the tests, and the README's recipe in TypeScript): signature and age. */
export function isWebhookSignatureValid(secret: string, header: string | undefined, timestampHeader: string | undefined, body: string, opts: { nowMs?: number; toleranceSeconds?: number } = {}): boolean {
  if (!header || !timestampHeader || !/^\d+$/.test(timestampHeader)) return false;
  const timestamp = Number(timestampHeader);
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  // A header may carry several signatures (during a secret change): any one that matches is enough.
  return header.split(",").some((part) => {
    const given = Buffer.from(part.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
