import { ACTIVITY_OUTCOMES, type ActivityBucket, type ActivitySeries, type OutcomeCounts } from "@/lib/shared/contracts/overview";

export type ActivityWindow = { bucketMinutes: number; bucketCount: number; from: Date; to: Date };

const MINUTE_MS = 60_000;

/**
 * A window of `bucketCount` buckets of `bucketMinutes`, aligned on the bucket size (from the Unix
 * epoch, as date_bin's origin) and ending with the bucket that holds `now`, so the current minute
 * (or quarter hour) is on the chart while it fills.
 */
export function buildActivityWindow(now: Date, bucketMinutes: number, bucketCount: number): ActivityWindow {
  const size = bucketMinutes * MINUTE_MS;
  const to = new Date(Math.floor(now.getTime() / size) * size + size);
  return { bucketMinutes, bucketCount, from: new Date(to.getTime() - bucketCount * size), to };
}

export const emptyOutcomeCounts = (): OutcomeCounts => ({ ok: 0, masked: 0, error: 0, blocked: 0, held: 0 });

/** Places the SQL's non-empty buckets on the window's full axis; every missing bucket is zeros. */
export function fillActivityBuckets(window: ActivityWindow, rows: readonly ({ start: Date } & OutcomeCounts)[]): ActivitySeries {
  const size = window.bucketMinutes * MINUTE_MS;
  const byStart = new Map(rows.map((r) => [r.start.getTime(), r]));
  const totals = { ...emptyOutcomeCounts(), total: 0 };
  const buckets: ActivityBucket[] = [];
  for (let i = 0; i < window.bucketCount; i++) {
    const start = window.from.getTime() + i * size;
    const row = byStart.get(start);
    const bucket: ActivityBucket = { start: new Date(start).toISOString(), ...emptyOutcomeCounts() };
    for (const outcome of ACTIVITY_OUTCOMES) {
      bucket[outcome] = row?.[outcome] ?? 0;
      totals[outcome] += bucket[outcome];
      totals.total += bucket[outcome];
    }
    buckets.push(bucket);
  }
  return { bucketMinutes: window.bucketMinutes, from: window.from.toISOString(), to: window.to.toISOString(), buckets, totals };
}
