import { describe, expect, it } from "vitest";
import { buildActivityWindow, fillActivityBuckets } from "./activity-windows";

describe("buildActivityWindow", () => {
  it("ends with the bucket holding now, aligned on the bucket size", () => {
    const w = buildActivityWindow(new Date("2026-12-07T16:48:55Z"), 1, 60);
    expect(w.to.toISOString()).toBe("2026-12-07T16:49:00.000Z");
    expect(w.from.toISOString()).toBe("2026-12-07T15:49:00.000Z");
    const day = buildActivityWindow(new Date("2026-12-07T16:48:55Z"), 15, 96);
    expect(day.to.toISOString()).toBe("2026-12-07T17:00:00.000Z");
    expect(day.from.toISOString()).toBe("2026-12-06T17:00:00.000Z");
  });
});

describe("fillActivityBuckets", () => {
  it("fills missing buckets with zeros and totals the outcomes", () => {
    const w = buildActivityWindow(new Date("2026-12-07T10:02:30Z"), 1, 4);
    const series = fillActivityBuckets(w, [
      { start: new Date("2026-12-07T10:00:00Z"), ok: 3, masked: 1, error: 0, blocked: 2, held: 0 },
      { start: new Date("2026-12-07T10:02:00Z"), ok: 0, masked: 0, error: 1, blocked: 0, held: 1 },
    ]);
    expect(series.buckets.map((b) => b.start)).toEqual(["2026-12-07T09:59:00.000Z", "2026-12-07T10:00:00.000Z", "2026-12-07T10:01:00.000Z", "2026-12-07T10:02:00.000Z"]);
    expect(series.buckets[0]).toMatchObject({ ok: 0, masked: 0, error: 0, blocked: 0, held: 0 });
    expect(series.buckets[1]).toMatchObject({ ok: 3, masked: 1, blocked: 2 });
    expect(series.buckets[2]).toMatchObject({ ok: 0, error: 0 });
    expect(series.totals).toEqual({ ok: 3, masked: 1, error: 1, blocked: 2, held: 1, total: 8 });
  });
});
