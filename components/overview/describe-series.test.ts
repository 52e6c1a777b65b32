import { describe, expect, it } from "vitest";
import { describeSeries, formatBucketUtc } from "./describe-series";

describe("describeSeries", () => {
  it("names the total and every outcome, zeros included", () => {
    const series = { bucketMinutes: 1, from: "", to: "", buckets: [], totals: { ok: 30, masked: 2, error: 5, blocked: 4, held: 1, total: 42 } };
    expect(describeSeries(series, "the last hour")).toBe("42 statements in the last hour: 30 ok, 2 masked, 5 error, 4 blocked, 1 held");
    const one = { ...series, totals: { ok: 1, masked: 0, error: 0, blocked: 0, held: 0, total: 1 } };
    expect(describeSeries(one, "the last day")).toBe("1 statement in the last day: 1 ok, 0 masked, 0 error, 0 blocked, 0 held");
  });
  it("formats bucket starts in UTC", () => {
    expect(formatBucketUtc("2026-12-07T09:45:00.000Z")).toBe("09:45");
  });
});
