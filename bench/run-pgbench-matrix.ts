import os from "node:os";
import { TARGET_LABELS, TARGETS, isGatewayTarget, type Target } from "./endpoints";
import { runPgbench } from "./pgbench";
import { PeakMemoryWatch } from "./process-memory";
import type { PgbenchCell, PgbenchRow } from "./report";
import type { PgbenchScenario } from "./scenarios";
import type { RunningTargets } from "./targets";

/** Every pgbench scenario against every target, one after the other (never two at once on 2 cores). */
export async function runPgbenchMatrix(opts: {
  pgbench: string;
  targets: RunningTargets;
  scenarios: PgbenchScenario[];
  durationSeconds: number;
  /** After a gateway run: waits for its recording backlog to be written. */
  settle: () => Promise<void>;
  log: (line: string) => void;
}): Promise<PgbenchRow[]> {
  const { pgbench, targets, log } = opts;
  // A short run first on each target, so connection pools and the gateway's JIT are warm.
  for (const target of TARGETS) {
    const endpoint = targets.endpoint(target);
    if (!endpoint) continue;
    await runPgbench(pgbench, endpoint, { protocol: "simple", clients: 2, durationSeconds: Math.min(2, opts.durationSeconds) }).catch(() => {});
  }
  await opts.settle();
  const rows: PgbenchRow[] = [];
  for (const scenario of opts.scenarios) {
    const cells = {} as Record<Target, PgbenchCell>;
    for (const target of TARGETS) {
      cells[target] = await runCell(opts, scenario, target);
      if (isGatewayTarget(target)) await opts.settle();
      const c = cells[target];
      log(`  ${scenario.label} · ${TARGET_LABELS[target]}: ${c.kind === "ok" ? `${c.tps.toFixed(0)} tps, ${c.latencyMs.toFixed(3)} ms` : `${c.kind} (${c.reason})`}`);
    }
    rows.push({ scenario, cells, loadAverage: os.loadavg()[0]! });
  }
  return rows;
}

async function runCell(opts: { pgbench: string; targets: RunningTargets; durationSeconds: number }, scenario: PgbenchScenario, target: Target): Promise<PgbenchCell> {
  const { targets } = opts;
  const endpoint = targets.endpoint(target, { pooling: scenario.pgbouncerPooling });
  if (!endpoint) return { kind: "skipped", reason: targets.whySkipped(target) ?? "not running" };
  const pid = targets.pid(target);
  const watch = pid ? new PeakMemoryWatch(pid) : null;
  try {
    const result = await runPgbench(opts.pgbench, endpoint, { ...scenario, durationSeconds: opts.durationSeconds });
    return { kind: "ok", ...result, ...(watch ? { peakRss: watch.stop() } : {}) };
  } catch (err) {
    watch?.stop();
    return { kind: "failed", reason: (err as Error).message };
  }
}
