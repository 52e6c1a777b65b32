import { describe, expect, it } from "vitest";
import { buildTimeline, indexAtTime, layoutBars, type TimelineItem } from "./timeline-model";

const at = (ms: number) => new Date(Date.UTC(2026, 2, 1, 10) + ms).toISOString();
const stmt = (startMs: number, durationMs: number, status: "ok" | "error" | "running" = "ok") => ({
  receivedAt: at(startMs),
  finishedAt: status === "running" ? null : at(startMs + durationMs),
  gatewayMs: null,
  durationMs,
  status,
  decision: "forward" as const,
});

describe("buildTimeline", () => {
  it("keeps real timing between statements that follow each other closely", () => {
    const t = buildTimeline([stmt(0, 100), stmt(300, 50, "error"), stmt(1000, 10)]);
    expect(t.items).toEqual([
      { startMs: 0, endMs: 100, outcome: "ok" },
      { startMs: 300, endMs: 350, outcome: "error" },
      { startMs: 1000, endMs: 1010, outcome: "ok" },
    ]);
    expect(t).toMatchObject({ totalMs: 1010, compressedGaps: 0 });
  });

  it("shortens idle gaps to the cap, but not time spent running", () => {
    const t = buildTimeline([stmt(0, 10), stmt(60_000, 5000), stmt(70_000, 10)], { maxGapMs: 2000 });
    // 59,990 ms idle -> 2,000; the 5 s statement keeps its length; then 5,000 ms idle -> 2,000.
    expect(t.items.map((i) => [i.startMs, i.endMs])).toEqual([
      [0, 10],
      [2010, 7010],
      [9010, 9020],
    ]);
    expect(t.compressedGaps).toBe(2);
  });

  it("does not count overlap as idle (pipelined statements)", () => {
    const t = buildTimeline([stmt(0, 10_000), stmt(5000, 100), stmt(11_000, 10)], { maxGapMs: 2000 });
    expect(t.items.map((i) => i.startMs)).toEqual([0, 5000, 11_000]);
    expect(t.compressedGaps).toBe(0);
  });

  it("draws a running statement up to now, and never lets starts go backwards", () => {
    const now = Date.parse(at(2000));
    const t = buildTimeline([stmt(0, 10), stmt(500, 0, "running"), stmt(400, 10)], { now });
    expect(t.items[1]).toEqual({ startMs: 500, endMs: 2000, outcome: "running" });
    expect(t.items[2].startMs).toBe(500);
  });

  it("is empty without statements", () => {
    expect(buildTimeline([])).toEqual({ items: [], totalMs: 0, compressedGaps: 0 });
  });
});

describe("indexAtTime", () => {
  const items: TimelineItem[] = [0, 100, 100, 500].map((startMs) => ({ startMs, endMs: startMs + 10, outcome: "ok" }));
  it("finds the last statement started by a time", () => {
    expect(indexAtTime(items, 0)).toBe(0);
    expect(indexAtTime(items, 99)).toBe(0);
    expect(indexAtTime(items, 100)).toBe(2);
    expect(indexAtTime(items, 10_000)).toBe(3);
    expect(indexAtTime(items, -5)).toBe(0);
    expect(indexAtTime([], 5)).toBe(-1);
  });
});

describe("layoutBars", () => {
  it("gives separate statements their own bars, scaled to the track", () => {
    const items: TimelineItem[] = [
      { startMs: 0, endMs: 500, outcome: "ok" },
      { startMs: 500, endMs: 1000, outcome: "error" },
    ];
    expect(layoutBars(items, 1000, 100)).toEqual([
      { left: 0, width: 50, outcome: "ok", first: 0, last: 0 },
      { left: 50, width: 50, outcome: "error", first: 1, last: 1 },
    ]);
  });

  it("merges statements that start in the same column into one bar coloured by the worst outcome", () => {
    const items: TimelineItem[] = Array.from({ length: 10_000 }, (_, i) => ({ startMs: i, endMs: i + 1, outcome: i === 5 ? "blocked" : "ok" }));
    const bars = layoutBars(items, 10_000, 300, { columnPx: 3 });
    expect(bars.length).toBeLessThanOrEqual(100);
    expect(bars[0]).toMatchObject({ first: 0, outcome: "blocked" });
    expect(bars.at(-1)?.last).toBe(9999);
  });

  it("never lets a bar cover the next one, so each stays clickable", () => {
    const items: TimelineItem[] = [
      { startMs: 0, endMs: 900, outcome: "ok" },
      { startMs: 100, endMs: 200, outcome: "ok" },
      ...Array.from({ length: 50 }, (_, i) => ({ startMs: 300 + i, endMs: 300 + i, outcome: "ok" as const })),
      { startMs: 400, endMs: 401, outcome: "ok" },
    ];
    const bars = layoutBars(items, 1000, 1000);
    for (let i = 0; i < bars.length - 1; i++) expect(bars[i].left + bars[i].width).toBeLessThanOrEqual(bars[i + 1].left);
    expect(bars[0].width).toBe(100);
  });

  it("keeps very short statements visible and inside the track", () => {
    const bars = layoutBars([{ startMs: 1000, endMs: 1000, outcome: "ok" }], 1000, 200);
    expect(bars[0].width).toBe(2);
    expect(bars[0].left + bars[0].width).toBeLessThanOrEqual(200);
  });
});
