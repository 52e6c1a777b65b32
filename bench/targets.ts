import path from "node:path";
import type { Endpoint, Target } from "./endpoints";
import type { BenchEnvironment, GatewayLogin } from "./environment";
import { startGatewayProcess, type GatewayProcess } from "./gateway-process";
import { findPgbouncer, PGBOUNCER_INSTALL_HINT, startPgbouncer, type Pgbouncer } from "./pgbouncer";

/** The columns, running: where clients connect, and which process stands in between. */
export type RunningTargets = {
  /** For a gateway target, `login` picks the catalog entry (the default one otherwise). */
  endpoint(target: Target, login?: GatewayLogin): Endpoint | null;
  /** The process to watch for memory; null for direct (one backend per connection). */
  pid(target: Target): number | null;
  whySkipped(target: Target): string | null;
  pgbouncer: Pgbouncer | null;
  stop(): Promise<void>;
};

export async function startTargets(
  env: BenchEnvironment,
  opts: { defaultLogin: GatewayLogin; isPgbouncerSkipped: boolean; log: (line: string) => void; /** where a gateway worker's own log goes */ logFile: (target: Target) => string },
): Promise<RunningTargets> {
  const skipped = new Map<Target, string>();
  let pgbouncer: Pgbouncer | null = null;
  const binary = opts.isPgbouncerSkipped ? null : findPgbouncer();
  if (opts.isPgbouncerSkipped) skipped.set("pgbouncer", "--no-pgbouncer");
  else if (!binary) {
    opts.log(PGBOUNCER_INSTALL_HINT);
    skipped.set("pgbouncer", "not installed");
  } else {
    try {
      pgbouncer = await startPgbouncer(binary, path.join(env.tmpDir, "pgbouncer"), env.direct);
      opts.log(`pgbouncer ${pgbouncer.version} on port ${pgbouncer.endpoint.port} (transaction pooling)`);
    } catch (err) {
      opts.log(`pgbouncer could not start, its column is skipped: ${(err as Error).message}`);
      skipped.set("pgbouncer", "could not start");
    }
  }

  const gateways = new Map<Target, GatewayProcess>();
  try {
    for (const [target, mode] of [["gateway-strict", "strict"], ["gateway-async", "async"]] as const) {
      const gw = await startGatewayProcess({ storeUrl: env.storeUrl, secretKey: env.secretKey, recordingMode: mode, logFile: opts.logFile(target) });
      gateways.set(target, gw);
      opts.log(`gateway (${mode} recording) pid ${gw.pid} on port ${gw.port}`);
    }
  } catch (err) {
    await Promise.all([...gateways.values()].map((g) => g.stop()));
    await pgbouncer?.stop();
    throw err;
  }

  return {
    endpoint(target, login = opts.defaultLogin) {
      if (target === "direct") return env.direct;
      if (target === "pgbouncer") return pgbouncer?.endpoint ?? null;
      const gw = gateways.get(target);
      return gw ? { host: "127.0.0.1", port: gw.port, ...login } : null;
    },
    pid(target) {
      if (target === "pgbouncer") return pgbouncer?.pid ?? null;
      return gateways.get(target)?.pid ?? null;
    },
    whySkipped: (target) => skipped.get(target) ?? null,
    pgbouncer,
    async stop() {
      await Promise.all([...gateways.values()].map((g) => g.stop()));
      await pgbouncer?.stop();
    },
  };
}
