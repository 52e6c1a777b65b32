import os from "node:os";
import { TARGET_LABELS, TARGETS, isGatewayTarget, type Target } from "./endpoints";
import { runInsertPipeline } from "./insert-pipeline";
import { PeakMemoryWatch } from "./process-memory";
import type { PipelineCell, PipelineRow } from "./report";
import { PIPELINE_SCENARIO } from "./scenarios";
import type { RunningTargets } from "./targets";

/**
 * The INSERT pipeline against every target: one unmeasured run, then `repeats` measured ones on a
 * fresh connection each; the fastest is reported (the machine's other load only ever adds time).
 */
export async function runPipelines(opts: {
  targets: RunningTargets;
  statements: number;
  repeats: number;
  settle: () => Promise<void>;
  log: (line: string) => void;
}): Promise<PipelineRow> {
  const cells = {} as Record<Target, PipelineCell>;
  for (const target of TARGETS) {
    const endpoint = opts.targets.endpoint(target, { pooling: PIPELINE_SCENARIO.pgbouncerPooling });
    if (!endpoint) {
      cells[target] = { kind: "skipped", reason: opts.targets.whySkipped(target) ?? "not running" };
      continue;
    }
    const pid = opts.targets.pid(target);
    const watch = pid ? new PeakMemoryWatch(pid) : null;
    try {
      await runInsertPipeline(endpoint, opts.statements);
      const seconds: number[] = [];
      for (let i = 0; i < opts.repeats; i++) seconds.push((await runInsertPipeline(endpoint, opts.statements)).seconds);
      cells[target] = { kind: "ok", seconds: Math.min(...seconds), runs: seconds, ...(watch ? { peakRss: watch.stop() } : {}) };
    } catch (err) {
      watch?.stop();
      cells[target] = { kind: "failed", reason: (err as Error).message };
    }
    if (isGatewayTarget(target)) await opts.settle();
    const c = cells[target];
    opts.log(`  pipeline of ${opts.statements} INSERTs · ${TARGET_LABELS[target]}: ${c.kind === "ok" ? `${c.seconds.toFixed(3)} s` : `${c.kind} (${c.reason})`}`);
  }
  return { statements: opts.statements, cells, loadAverage: os.loadavg()[0]! };
}
