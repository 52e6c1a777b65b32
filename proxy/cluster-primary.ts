import cluster, { type Worker } from "node:cluster";
import path from "node:path";
import type { RuntimeConfig } from "@/lib/shared/config";
import { serveClusterSlots } from "./admission/cluster-slots";
import { SlotLedger } from "./admission/slot-ledger";
import { appendAuditEvents } from "@/lib/audit/append-event";
import { serveClusterSignIns } from "./auth/cluster-sign-in-guard";
import { SignInDesk } from "./auth/sign-in-desk";
import { createGatewayDb } from "./store-db";
import type { Logger } from "./log";
import { serveGatewayMetrics, type GatewayMetricsHandle } from "./metrics/serve-gateway-metrics";
import type { GatewayListening, GatewayOptions } from "./main";
import { loadGatewayTls } from "./tls/load-gateway-tls";

const RESPAWN_DELAY_MS = 1000;

const isListening = (m: unknown): m is GatewayListening => typeof m === "object" && m !== null && (m as { type?: unknown }).type === "gateway-listening";

/**
 * GATEWAY_WORKERS gateway workers on this host under node:cluster: they share the listening port
 * (the primary hands each new connection to one of them), and each has its own event loop, store
 * pool and recorder. GATEWAY_MAX_CONNECTIONS counts here, for all of them: a worker asks this
 * process for a place for each new connection. Resolves once every worker listens (and tells the
 * parent, if any, over IPC). A worker that dies afterwards is replaced; SIGINT / SIGTERM / SIGHUP stop every worker, then this process.
 */
export async function runClusterPrimary(config: RuntimeConfig, opts: GatewayOptions, log: Logger): Promise<void> {
  // Made once here: workers generating it at the same moment could each write half of a different pair.
  if (opts.selfSignedTls) loadGatewayTls({ certFile: config.GATEWAY_TLS_CERT, keyFile: config.GATEWAY_TLS_KEY, selfSignedDir: path.resolve(config.WARDEN_DATA_DIR) });

  const workers = new Set<Worker>();
  const connectionPlaces = new SlotLedger<Worker>(config.GATEWAY_MAX_CONNECTIONS);
  // Sign-in attempts are throttled per client address for every worker here, and their failures
  // summed here into one audit event per address and minute, written with a small pool of its own.
  const auditDb = createGatewayDb(config.DATABASE_URL, { max: 1 });
  const signIns = new SignInDesk<string>({
    log,
    writeEvents: async (events) => {
      await auditDb.transaction((tx) => appendAuditEvents(tx, events));
    },
  });
  let isStopping = false;
  let metrics: GatewayMetricsHandle | undefined;
  const exit = () => {
    void signIns
      .close()
      .then(() => metrics?.close())
      .then(() => auditDb.$client.end())
      .catch(() => {})
      .finally(() => process.exit(0));
  };
  const stop = (why: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info("stopping workers", { why, workers: workers.size });
    if (workers.size === 0) exit();
    for (const w of workers) w.process.kill("SIGTERM");
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGHUP", () => stop("SIGHUP"));
  if (process.send) process.once("disconnect", () => stop("parent exited"));

  let started: ((m: GatewayListening) => void) | undefined;
  let failedToStart: ((err: Error) => void) | undefined;
  const firstListening = new Map<Worker, GatewayListening>();
  const startWorker = () => {
    const worker = cluster.fork();
    workers.add(worker);
    serveClusterSlots(worker, connectionPlaces);
    serveClusterSignIns(worker, signIns);
    worker.on("message", (m: unknown) => {
      if (!isListening(m) || !started) return;
      firstListening.set(worker, m);
      if (firstListening.size === config.GATEWAY_WORKERS) started({ ...m, workerPids: [...firstListening.values()].flatMap((l) => l.workerPids) });
    });
    worker.on("exit", (code, signal) => {
      workers.delete(worker);
      if (isStopping) {
        if (workers.size === 0) exit();
        return;
      }
      if (failedToStart) return failedToStart(new Error(`gateway worker ${worker.process.pid} exited with ${signal ?? code} during start-up`));
      log.error("worker exited; starting another", { pid: worker.process.pid, code, signal });
      setTimeout(() => !isStopping && startWorker(), RESPAWN_DELAY_MS);
    });
  };

  const ready = await new Promise<GatewayListening>((resolve, reject) => {
    started = resolve;
    failedToStart = (err) => {
      isStopping = true;
      for (const w of workers) w.process.kill("SIGTERM");
      reject(err);
    };
    for (let i = 0; i < config.GATEWAY_WORKERS; i++) startWorker();
  });
  started = undefined;
  failedToStart = undefined;
  log.info("gateway workers listening", { port: ready.port, workers: ready.workerPids });
  metrics = await serveGatewayMetrics(config, log, "cluster");
  process.send?.(ready);
}
