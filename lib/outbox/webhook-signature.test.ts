import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isWebhookSignatureValid, signWebhookBody } from "./webhook-signature";

const SECRET = "0123456789abcdef-secret";

describe("webhook signature", () => {
  it("is HMAC-SHA256 over `<timestamp>.<body>`, as the README tells receivers", () => {
    const body = '{"schema":"warden.audit/1","events":[]}';
    const expected = createHmac("sha256", SECRET).update(`1765100000.${body}`).digest("hex");
    expect(signWebhookBody(SECRET, 1765100000, body)).toBe(`v1=${expected}`);
  });

  it("verifies, and refuses another secret, another body, another timestamp or a stale one", () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const body = '{"a":1}';
    const sig = signWebhookBody(SECRET, ts, body);
    expect(isWebhookSignatureValid(SECRET, sig, String(ts), body, { nowMs: now })).toBe(true);
    expect(isWebhookSignatureValid("another-secret-0000", sig, String(ts), body, { nowMs: now })).toBe(false);
    expect(isWebhookSignatureValid(SECRET, sig, String(ts), '{"a":2}', { nowMs: now })).toBe(false);
    expect(isWebhookSignatureValid(SECRET, sig, String(ts + 1), body, { nowMs: now })).toBe(false);
    expect(isWebhookSignatureValid(SECRET, sig, String(ts), body, { nowMs: now + 301_000 })).toBe(false);
    expect(isWebhookSignatureValid(SECRET, undefined, String(ts), body, { nowMs: now })).toBe(false);
  });
});
