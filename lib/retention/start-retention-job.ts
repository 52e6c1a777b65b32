import type { Db } from "@/lib/db/create-db";
import { describeRetention } from "./describe-retention";
import { runRetention, type RetentionResult } from "./run-retention";

export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export type RetentionJobOptions = {
  db: Db;
  secretKey: Buffer;
  retentionDays: number;
  intervalMs?: number;
  log?: (line: string) => void;
  onResult?: (result: RetentionResult) => void;
};

/**
 * Runs retention at once and then every hour, in this process (the console's). Several consoles may
 * run it: the retention lock lets one pass run at a time and the others find it busy. A failed pass is
 * logged and tried again at the next tick; a pass that holds audit partitions back for an event sink
 * says so each time. The timer does not keep the process alive.
 */
export function startRetentionJob(opts: RetentionJobOptions): { stop(): void } {
  const log = opts.log ?? ((line: string) => console.log(`[retention] ${line}`));
  let isRunning = false;
  const tick = async () => {
    if (isRunning) return;
    isRunning = true;
    try {
      const result = await runRetention(opts.db, { secretKey: opts.secretKey, retentionDays: opts.retentionDays });
      opts.onResult?.(result);
      const didSomething = result.created.length + result.statements.dropped.length + result.auditEvents.dropped.length + result.sessionsDeleted + result.heldBack.length > 0;
      if (didSomething) for (const line of describeRetention(result)) log(line);
    } catch (err) {
      log(`pass failed, will try again in an hour: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      isRunning = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), opts.intervalMs ?? RETENTION_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
