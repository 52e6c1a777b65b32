import cluster from "node:cluster";
import { migrateStore } from "@/lib/db/migrate";
import { parseConfig, requireRuntimeConfig, type RuntimeConfig } from "@/lib/shared/config";
import { createClusterSlots } from "./admission/cluster-slots";
import { createClusterSignInGuard } from "./auth/cluster-sign-in-guard";
import { runClusterPrimary } from "./cluster-primary";
import { createLogger, type Logger } from "./log";
import { serveGatewayMetrics, shareMetricsWithPrimary } from "./metrics/serve-gateway-metrics";
import { startGateway } from "./start-gateway";

/** What the gateway tells the process that started it (over IPC, when it has a parent that listens) once every worker listens. */
export type GatewayListening = { type: "gateway-listening"; host: string; port: number; tlsCertPath: string | null; workerPids: number[] };

export type GatewayOptions = {
  /** The embedded default (`npm start`): without GATEWAY_TLS_CERT, a self-signed certificate kept in WARDEN_DATA_DIR. */
  selfSignedTls?: boolean;
};

/**
 * The gateway on this host (`node dist/gateway.mjs`: `npm run gateway`, `npm start`, the container),
 * against the store at DATABASE_URL. With GATEWAY_WORKERS=1 this process is the worker; with more it
 * is a node:cluster primary whose workers share the listening port. Any number of hosts can share one
 * store. Stops cleanly on SIGINT / SIGTERM / SIGHUP: clients get 57P01 and the last records are written.
 */
export async function runGateway(env: Record<string, string | undefined>, opts: GatewayOptions = {}): Promise<void> {
  const config = requireRuntimeConfig(parseConfig(env), ["database"]);
  const log = createLogger(config.LOG_LEVEL).child({ component: "gateway", ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}) });
  // The primary migrated the store before forking.
  if (cluster.isWorker) return runWorker(config, opts, log);
  await migrateStore(config.DATABASE_URL);
  if (config.GATEWAY_WORKERS === 1) return runWorker(config, opts, log);
  return runClusterPrimary(config, opts, log);
}

async function runWorker(config: RuntimeConfig, opts: GatewayOptions, log: Logger): Promise<void> {
  // GATEWAY_MAX_CONNECTIONS is the host's total: under node:cluster the primary counts for every worker.
  const connectionSlots = cluster.isWorker ? createClusterSlots(process) : undefined;
  // Sign-in attempts too are counted per address for the whole host, by the primary.
  const signInGuard = cluster.isWorker ? (fallbackDesk: Parameters<typeof createClusterSignInGuard>[1]) => createClusterSignInGuard(process, fallbackDesk) : undefined;
  const gateway = await startGateway(config, { log, selfSignedTls: opts.selfSignedTls, connectionSlots, signInGuard });
  const metrics = cluster.isWorker ? shareMetricsWithPrimary() : await serveGatewayMetrics(config, log, "local");
  let isStopping = false;
  const stop = async (why: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info("stopping", { why, sessions: gateway.sessionCount() });
    await gateway.close();
    await metrics.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // A closed terminal: the same orderly stop, not a kill.
  process.on("SIGHUP", () => void stop("SIGHUP"));
  if (!process.send) return;
  // Started by a parent (the launcher, the bench, a cluster primary): its port goes back over IPC, and
  // without the parent the gateway stops rather than run on unattended. A cluster worker whose
  // primary is gone is ended by node:cluster itself.
  if (!cluster.isWorker) process.once("disconnect", () => void stop("parent exited"));
  // Where the memory goes (V8 heap, buffers, WASM), for the bench's memory table.
  process.on("message", (m: { type?: string }) => {
    if (m?.type === "memory-usage") process.send?.({ type: "memory-usage", usage: process.memoryUsage() });
  });
  const listening: GatewayListening = { type: "gateway-listening", host: gateway.host, port: gateway.port, tlsCertPath: gateway.tlsCertPath, workerPids: [process.pid] };
  process.send(listening);
}
