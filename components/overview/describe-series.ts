import { ACTIVITY_OUTCOMES, type ActivitySeries } from "@/lib/shared/contracts/overview";

/** "42 statements in the last hour: 30 ok, 2 masked, 5 error, 4 blocked, 1 held", for screen readers and tests. */
export function describeSeries(series: ActivitySeries, period: string): string {
  const { totals } = series;
  const noun = totals.total === 1 ? "statement" : "statements";
  const parts = ACTIVITY_OUTCOMES.map((o) => `${totals[o]} ${o}`).join(", ");
  return `${totals.total} ${noun} in ${period}: ${parts}`;
}

/** A bucket's start as "14:05" in UTC, the same on the server and in the browser. */
export function formatBucketUtc(iso: string): string {
  return iso.slice(11, 16);
}
