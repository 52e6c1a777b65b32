// No `import "server-only"` here: instrumentation.ts loads this file outside React's server layer,
// where that package throws. Only instrumentation.ts imports it.
import { createDb, type Db } from "@/lib/db/create-db";
import { syncEnvironmentSinks } from "@/lib/outbox/environment-sinks";
import { OutboxRunner } from "@/lib/outbox/outbox-runner";
import { startRetentionJob } from "@/lib/retention/start-retention-job";
import { parseConfig, requireRuntimeConfig } from "@/lib/shared/config";

type ConsoleJobs = { db: Db; outbox: OutboxRunner; stop(): Promise<void> };

const globalForJobs = globalThis as unknown as { wardenConsoleJobs?: Promise<ConsoleJobs> };

/**
 * The console's background work, once per process (a second call returns the first's jobs): the
 * environment's event sinks are synced, then the outbox delivers to every sink. The jobs have their
 * own small pool, so a slow receiver never takes connections from page requests. SIGTERM stops them.
 */
export function startConsoleJobs(): Promise<ConsoleJobs> {
  globalForJobs.wardenConsoleJobs ??= (async () => {
    const config = requireRuntimeConfig(parseConfig(process.env), ["database"]);
    const db = createDb(config.DATABASE_URL, { max: 4, applicationName: "warden-console-jobs" });
    await syncEnvironmentSinks(db, config, config.WARDEN_SECRET_KEY);
    const outbox = new OutboxRunner(db, { secretKey: config.WARDEN_SECRET_KEY });
    outbox.start();
    const retention = startRetentionJob({ db, secretKey: config.WARDEN_SECRET_KEY, retentionDays: config.WARDEN_RETENTION_DAYS });
    const stop = async () => {
      await outbox.stop();
      retention.stop();
      await db.$client.end().catch(() => {});
    };
    process.once("SIGTERM", () => void stop());
    return { db, outbox, stop };
  })();
  return globalForJobs.wardenConsoleJobs;
}
