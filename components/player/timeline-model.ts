import type { StatementSummaryDto } from "@/lib/shared/contracts/sessions";
import { OUTCOME_SEVERITY, statementOutcome, type Outcome } from "./statement-outcome";

/** Idle stretches longer than this are shortened to it on the axis and in playback. */
export const IDLE_GAP_CAP_MS = 2000;

export type TimelineItem = { startMs: number; endMs: number; outcome: Outcome };

export type Timeline = {
  /** One per statement, in the same order, on the display axis (ms from the first statement). */
  items: TimelineItem[];
  totalMs: number;
  /** How many idle gaps were shortened, for the axis note. */
  compressedGaps: number;
};

type TimelineSource = Pick<StatementSummaryDto, "receivedAt" | "finishedAt" | "gatewayMs" | "durationMs" | "status" | "decision">;

/**
 * Places statements on a time axis by when the gateway received them and how long they took. A person
 * at psql leaves minutes between statements; replaying those in real time would be useless, so any
 * idle gap longer than `maxGapMs` (nothing running) is cut to `maxGapMs`. Everything else keeps its
 * real timing, including overlaps (pipelining). Starts never go backwards, so the axis can be searched.
 */
export function buildTimeline(statements: readonly TimelineSource[], { maxGapMs = IDLE_GAP_CAP_MS, now = Date.now() }: { maxGapMs?: number; now?: number } = {}): Timeline {
  const items: TimelineItem[] = [];
  if (statements.length === 0) return { items, totalMs: 0, compressedGaps: 0 };
  const t0 = Date.parse(statements[0].receivedAt);
  let frontier = t0; // the latest real end time so far: before it, something was running
  let removed = 0;
  let compressedGaps = 0;
  let lastStart = 0;
  let totalMs = 0;
  for (const s of statements) {
    const start = Date.parse(s.receivedAt);
    const end = Math.max(start, realEnd(s, start, now));
    const gap = start - frontier;
    if (gap > maxGapMs) {
      removed += gap - maxGapMs;
      compressedGaps++;
    }
    frontier = Math.max(frontier, end);
    const startMs = Math.max(lastStart, start - t0 - removed);
    const endMs = Math.max(startMs, end - t0 - removed);
    lastStart = startMs;
    totalMs = Math.max(totalMs, endMs);
    items.push({ startMs, endMs, outcome: statementOutcome(s).outcome });
  }
  return { items, totalMs: Math.max(totalMs, 1), compressedGaps };
}

function realEnd(s: TimelineSource, start: number, now: number): number {
  if (s.finishedAt) return Date.parse(s.finishedAt);
  if (s.status === "running") return now;
  return start + (s.gatewayMs ?? 0) + (s.durationMs ?? 0);
}

/** The statement playing at `ms`: the last one started by then (the first one before it starts). */
export function indexAtTime(items: readonly TimelineItem[], ms: number): number {
  if (items.length === 0) return -1;
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (items[mid].startMs <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export type TimelineBar = { left: number; width: number; outcome: Outcome; first: number; last: number };

/**
 * Bars in pixels for a track `widthPx` wide. Statements that start within the same `columnPx` column
 * share one bar (coloured by the worst outcome among them), so 10,000 statements draw a few hundred
 * elements, each still clickable.
 */
export function layoutBars(items: readonly TimelineItem[], totalMs: number, widthPx: number, { columnPx = 3, minWidthPx = 2 } = {}): TimelineBar[] {
  if (items.length === 0 || widthPx <= 0) return [];
  const scale = widthPx / Math.max(totalMs, 1);
  const bars: TimelineBar[] = [];
  let current: TimelineBar | undefined;
  let currentColumn = -1;
  items.forEach((item, i) => {
    const left = Math.min(item.startMs * scale, widthPx - minWidthPx);
    const right = Math.min(widthPx, Math.max(left + minWidthPx, item.endMs * scale));
    const column = Math.floor(left / columnPx);
    if (current && column === currentColumn) {
      current.width = Math.max(current.width, right - current.left);
      current.last = i;
      if (OUTCOME_SEVERITY[item.outcome] > OUTCOME_SEVERITY[current.outcome]) current.outcome = item.outcome;
      return;
    }
    current = { left, width: right - left, outcome: item.outcome, first: i, last: i };
    currentColumn = column;
    bars.push(current);
  });
  // A bar ends where the next begins: overlapping bars would hide each other from the pointer. (A
  // statement still running when the next one starts, pipelined, is drawn up to that start.)
  for (let i = 0; i < bars.length - 1; i++) {
    bars[i].width = Math.max(1, Math.min(bars[i].width, bars[i + 1].left - bars[i].left));
  }
  return bars;
}
