import type { Endpoint } from "./endpoints";
import type { GatewayLogin } from "./environment";
import { LARGE_QUERY } from "./large-table";
import { readLargeResult, type LargeResultRead } from "./large-result";
import { readLargeResultRaw } from "./raw-read";
import type { LargeResultRow } from "./report";
import type { LargeResultScenario } from "./scenarios";
import type { RunningTargets } from "./targets";

/** How the large result is read: a real client decoding rows, and the bare wire. */
export const READERS = {
  client: readLargeResult,
  wire: readLargeResultRaw,
} as const satisfies Record<string, (endpoint: Endpoint, sql: string, watchPid: number | null) => Promise<LargeResultRead>>;
export type ReaderKind = keyof typeof READERS;

/**
 * Each large-result scenario, read `repeats` times by each reader: the fastest rate per reader is
 * kept, and the highest peak RSS of the process in between over all reads, against its RSS before.
 */
export async function runLargeResults(opts: {
  targets: RunningTargets;
  scenarios: LargeResultScenario[];
  /** Catalog entries that scenarios with a connection of their own sign in to. */
  logins: Map<string, GatewayLogin>;
  repeats: number;
  log: (line: string) => void;
}): Promise<LargeResultRow[]> {
  const { targets, log } = opts;
  // Unmeasured reads first, so the reading client's own JIT warm-up counts against nobody.
  for (const read of Object.values(READERS)) await read(targets.endpoint("direct")!, LARGE_QUERY, null);

  const rows: LargeResultRow[] = [];
  for (const scenario of opts.scenarios) {
    const login = scenario.connection ? opts.logins.get(scenario.connection.name) : undefined;
    const endpoint = targets.endpoint(scenario.target, { login });
    if (!endpoint) {
      rows.push({ scenario, reads: null, rssBefore: null, peakRss: null, note: `skipped: ${targets.whySkipped(scenario.target) ?? "not running"}` });
      continue;
    }
    const unavailable = await scenario.whyUnavailable?.(endpoint);
    if (unavailable) {
      log(unavailable);
      rows.push({ scenario, reads: null, rssBefore: null, peakRss: null, note: unavailable });
      continue;
    }
    const pid = targets.pid(scenario.target);
    const reads = {} as Record<ReaderKind, LargeResultRead>;
    let peakRss: number | null = null;
    let rssBefore: number | null = null;
    try {
      for (const [kind, read] of Object.entries(READERS) as [ReaderKind, (typeof READERS)[ReaderKind]][]) {
        for (let i = 0; i < opts.repeats; i++) {
          const r = await read(endpoint, LARGE_QUERY, pid);
          if (!reads[kind] || r.mbPerSecond > reads[kind].mbPerSecond) reads[kind] = r;
          if (r.peakRss !== null) peakRss = Math.max(peakRss ?? 0, r.peakRss);
          rssBefore ??= r.rssBefore;
        }
      }
      log(`  large result · ${scenario.label}: ${reads.client.mbPerSecond.toFixed(1)} MB/s (node-postgres), ${reads.wire.mbPerSecond.toFixed(1)} MB/s (wire)`);
      rows.push({ scenario, reads, rssBefore, peakRss, note: null });
    } catch (err) {
      log(`  large result · ${scenario.label} failed: ${(err as Error).message}`);
      rows.push({ scenario, reads: null, rssBefore, peakRss, note: `failed: ${(err as Error).message}` });
    }
  }
  return rows;
}
