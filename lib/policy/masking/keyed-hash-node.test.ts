import { describe, expect, it } from "vitest";
import { applyMaskingMethod } from "./algorithms";
import { createNodeMaskingContext, hmacSha256Hex } from "./keyed-hash-node";
import { createMaskingContext } from "./masking-context";

const key = (byte: number) => new Uint8Array(32).fill(byte);
const hash = { algorithm: "hash" } as const;

describe("keyed hash", () => {
  it("is HMAC-SHA256 (RFC 4231 test case 2)", () => {
    expect(hmacSha256Hex(new TextEncoder().encode("Jefe"), "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("masks equal values equally and different values differently, so joins and GROUP BY still work", () => {
    const ctx = createNodeMaskingContext(key(1));
    const a = applyMaskingMethod("john@example.com", hash, ctx);
    expect(a).toMatch(/^h:[0-9a-f]{16}$/);
    expect(applyMaskingMethod("john@example.com", hash, createNodeMaskingContext(key(1)))).toBe(a);
    expect(applyMaskingMethod("John@example.com", hash, ctx)).not.toBe(a);
    expect(applyMaskingMethod("zoë", hash, ctx)).not.toBe(applyMaskingMethod("zoe", hash, ctx));
  });

  it("depends on the installation key, so nobody can hash a guess and compare", () => {
    const a = applyMaskingMethod("4111111111111111", hash, createNodeMaskingContext(key(1)));
    const b = applyMaskingMethod("4111111111111111", hash, createNodeMaskingContext(key(2)));
    expect(a).not.toBe(b);
  });

  it("refuses short keys and keeps its own copy of the key", () => {
    expect(() => createNodeMaskingContext(new Uint8Array(15))).toThrow(/at least 16 bytes/);
    const bytes = key(3);
    const ctx = createMaskingContext(hmacSha256Hex, bytes);
    const before = ctx.hmac("x");
    bytes.fill(0);
    expect(ctx.hmac("x")).toBe(before);
  });
});
