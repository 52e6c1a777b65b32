import { migrateStore } from "@/lib/db/migrate";
import { parseConfig, requireRuntimeConfig } from "@/lib/shared/config";
import { createLogger } from "./log";
import { startGateway } from "./start-gateway";

/**
 * One gateway worker on its own (`npm run gateway`), against the store at DATABASE_URL. Any number
 * of workers, on any number of hosts, can share one store. Stops cleanly on SIGINT / SIGTERM:
 * clients get 57P01 and the last records are written.
 */
export async function runGatewayWorker(env: Record<string, string | undefined>): Promise<void> {
  const config = requireRuntimeConfig(parseConfig(env), ["database"]);
  const log = createLogger(config.LOG_LEVEL).child({ component: "gateway" });
  await migrateStore(config.DATABASE_URL);
  const gateway = await startGateway(config, { log });
  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info("stopping", { signal, sessions: gateway.sessionCount() });
    await gateway.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
