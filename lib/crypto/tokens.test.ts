import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateToken, hashesEqual, hashToken, isTokenShaped, tokenHint } from "./tokens";

describe("tokens", () => {
  const key = randomBytes(32);

  it("generates distinct tokens of the documented shape", () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).not.toBe(b);
    expect(isTokenShaped(a)).toBe(true);
    expect(isTokenShaped("wdn_short")).toBe(false);
    expect(isTokenShaped("eyJhbGciOi.x.y")).toBe(false);
    expect(tokenHint(a)).toBe(a.slice(0, 10));
  });

  it("hashes under the installation key: same key same hash, other key other hash", () => {
    const t = generateToken();
    expect(hashToken(key, t)).toBe(hashToken(key, t));
    expect(hashToken(key, t)).not.toBe(hashToken(randomBytes(32), t));
    expect(hashToken(key, t)).not.toContain(t.slice(4));
    expect(hashesEqual(hashToken(key, t), hashToken(key, t))).toBe(true);
    expect(hashesEqual(hashToken(key, t), hashToken(key, generateToken()))).toBe(false);
  });
});
