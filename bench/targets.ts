import path from "node:path";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { gatewayEnvironment } from "@/scripts/launcher/gateway-environment";
import { startGatewayProcess, type GatewayProcess } from "@/scripts/launcher/start-gateway-process";
import { isGatewayTarget, type Endpoint, type GatewayTarget, type PgbouncerPooling, type Target } from "./endpoints";
import type { BenchEnvironment, GatewayLogin } from "./environment";
import { findPgbouncer, PGBOUNCER_INSTALL_HINT, startPgbouncer, type Pgbouncer } from "./pgbouncer";
import { startRelayProcess, type RelayProcess } from "./relay-process";

/** The columns, running: where clients connect, and which process stands in between. */
export type RunningTargets = {
  /** For a gateway target, `login` picks the catalog entry (the default one otherwise); for pgbouncer, `pooling` the pool mode (transaction otherwise). */
  endpoint(target: Target, opts?: { login?: GatewayLogin; pooling?: PgbouncerPooling }): Endpoint | null;
  /** The process to watch for memory: the one serving connections; null for direct (one backend per connection). */
  pid(target: Target): number | null;
  whySkipped(target: Target): string | null;
  /** A gateway worker's own account of its memory (V8 heap, external: buffers and WASM); null for the others. */
  memoryUsage(target: Target): Promise<NodeJS.MemoryUsage | null>;
  pgbouncer: Pgbouncer | null;
  stop(): Promise<void>;
};

const GATEWAY_RECORDING = { "gateway-strict": "strict", "gateway-async": "async" } as const satisfies Record<GatewayTarget, string>;

/**
 * Starts what stands between the clients and the target: the byte relay, pgbouncer (when installed),
 * and one compiled gateway worker per recording mode (`node dist/gateway.mjs`, as production runs it;
 * build it first), each in a process of its own so its CPU and memory are its own.
 */
export async function startTargets(
  env: BenchEnvironment,
  opts: { root: string; defaultLogin: GatewayLogin; isPgbouncerSkipped: boolean; log: (line: string) => void; /** where a gateway worker's own log goes */ logFile: (target: Target) => string },
): Promise<RunningTargets> {
  const skipped = new Map<Target, string>();
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = () => Promise.all(started.map((s) => s.stop())).then(() => {});
  let pgbouncer: Pgbouncer | null = null;
  let relay: RelayProcess;
  const gateways = new Map<Target, GatewayProcess>();
  try {
    relay = await startRelayProcess(env.direct);
    started.push(relay);
    opts.log(`byte relay pid ${relay.pid} on port ${relay.endpoint.port}`);

    const binary = opts.isPgbouncerSkipped ? null : findPgbouncer();
    if (opts.isPgbouncerSkipped) skipped.set("pgbouncer", "--no-pgbouncer");
    else if (!binary) {
      opts.log(PGBOUNCER_INSTALL_HINT);
      skipped.set("pgbouncer", "not installed");
    } else {
      try {
        pgbouncer = await startPgbouncer(binary, path.join(env.tmpDir, "pgbouncer"), env.direct);
        started.push(pgbouncer);
        opts.log(`pgbouncer ${pgbouncer.version} on port ${pgbouncer.endpoints.transaction.port} (transaction pooling; session pooling as ${pgbouncer.endpoints.session.database})`);
      } catch (err) {
        opts.log(`pgbouncer could not start, its column is skipped: ${(err as Error).message}`);
        skipped.set("pgbouncer", "could not start");
      }
    }

    for (const [target, mode] of Object.entries(GATEWAY_RECORDING) as [GatewayTarget, "strict" | "async"][]) {
      const gw = await startGatewayProcess({
        root: opts.root,
        env: await benchGatewayEnvironment(env, mode),
        output: { file: opts.logFile(target) },
      });
      started.push(gw);
      gateways.set(target, gw);
      opts.log(`gateway (${mode} recording, compiled) pid ${gw.pid} on port ${gw.port}`);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    endpoint(target, { login = opts.defaultLogin, pooling = "transaction" } = {}) {
      if (target === "direct") return env.direct;
      if (target === "relay") return relay.endpoint;
      if (target === "pgbouncer") return pgbouncer?.endpoints[pooling] ?? null;
      const gw = gateways.get(target);
      return gw ? { host: "127.0.0.1", port: gw.port, ...login } : null;
    },
    pid(target) {
      if (target === "relay") return relay.pid;
      if (target === "pgbouncer") return pgbouncer?.pid ?? null;
      return isGatewayTarget(target) ? (gateways.get(target)?.workerPids[0] ?? null) : null;
    },
    whySkipped: (target) => skipped.get(target) ?? null,
    memoryUsage: async (target) => (await gateways.get(target)?.memoryUsage().catch(() => null)) ?? null,
    pgbouncer,
    stop: stopAll,
  };
}

/**
 * A bench gateway's settings: the bench's store and key, free ports on loopback (gateway and
 * metrics: metrics on, as in production, since their counting is on the hot path), no TLS (compared
 * with PostgreSQL and pgbouncer without TLS on this host, so clients send passwords in the clear
 * here too), one worker, warnings only.
 */
export async function benchGatewayEnvironment(env: Pick<BenchEnvironment, "storeUrl" | "secretKey" | "tmpDir">, mode: "strict" | "async"): Promise<NodeJS.ProcessEnv> {
  return gatewayEnvironment({
    DATABASE_URL: env.storeUrl,
    WARDEN_SECRET_KEY: env.secretKey,
    GATEWAY_PORT: await findFreePort(),
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_TLS_CERT: undefined,
    GATEWAY_TLS_KEY: undefined,
    GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback",
    GATEWAY_RECORDING_MODE: mode,
    GATEWAY_WORKERS: 1,
    GATEWAY_METRICS_PORT: await findFreePort(),
    GATEWAY_METRICS_HOST: "127.0.0.1",
    WARDEN_DATA_DIR: env.tmpDir,
    LOG_LEVEL: "warn",
  });
}
