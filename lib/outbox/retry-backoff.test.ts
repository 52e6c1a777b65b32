import { describe, expect, it } from "vitest";
import { computeRetryDelay, DEFAULT_BACKOFF } from "./retry-backoff";

describe("computeRetryDelay", () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it("starts at 1 s and doubles, capped at 5 minutes", () => {
    expect([1, 2, 3, 4, 5].map((n) => computeRetryDelay(n, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(computeRetryDelay(9, noJitter)).toBe(256_000);
    expect(computeRetryDelay(10, noJitter)).toBe(300_000);
    expect(computeRetryDelay(500, noJitter)).toBe(300_000);
  });

  it("spreads by ±20 % and never passes the cap", () => {
    expect(computeRetryDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(3200);
    expect(computeRetryDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(4800);
    expect(computeRetryDelay(20, DEFAULT_BACKOFF, () => 1)).toBe(300_000);
  });
});
