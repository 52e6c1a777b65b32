import { AggregatorRegistry } from "prom-client";
import type { WardenConfig } from "@/lib/shared/config";
import type { Logger } from "../log";
import { createGatewayDb } from "../store-db";
import { gatewayRegistry } from "./gateway-metrics";
import { startMetricsServer, type MetricsServer } from "./metrics-server";
import { checkReadiness, READINESS_TIMEOUT_MS } from "./store-readiness";

type MetricsConfig = Pick<WardenConfig, "GATEWAY_METRICS_PORT" | "GATEWAY_METRICS_HOST"> & { DATABASE_URL: string };

/** What serves a host's metrics, stopped with the gateway. */
export type GatewayMetricsHandle = { server: MetricsServer | null; close(): Promise<void> };

const NOTHING: GatewayMetricsHandle = { server: null, close: async () => {} };

/**
 * Starts the operations port (metrics-server.ts) for this host, unless GATEWAY_METRICS_PORT is 0.
 * `local`: this process is the only gateway worker. `cluster`: this is the node:cluster primary, and
 * /metrics is the sum over its workers (prom-client's AggregatorRegistry asks each over IPC; counters
 * and histogram buckets add up). /readyz asks the store through a pool of one connection of its own,
 * so a busy worker pool does not make the host look down. A port that cannot be bound is logged and
 * the gateway goes on without it: the database path matters more than its metrics.
 */
export async function serveGatewayMetrics(config: MetricsConfig, log: Logger, source: "local" | "cluster"): Promise<GatewayMetricsHandle> {
  if (config.GATEWAY_METRICS_PORT === 0) return NOTHING;
  const db = createGatewayDb(config.DATABASE_URL, { max: 1, connectTimeoutMs: READINESS_TIMEOUT_MS, queryTimeoutMs: READINESS_TIMEOUT_MS });
  const aggregator = source === "cluster" ? new AggregatorRegistry() : null;
  try {
    const server = await startMetricsServer({
      host: config.GATEWAY_METRICS_HOST,
      port: config.GATEWAY_METRICS_PORT,
      metrics: () => (aggregator ? aggregator.clusterMetrics() : gatewayRegistry.metrics()),
      contentType: gatewayRegistry.contentType,
      // Started once the gateway (every worker) listens.
      readiness: () => checkReadiness({ isListening: () => true, db }),
    });
    log.info("metrics listening", { host: server.host, port: server.port, paths: ["/metrics", "/healthz", "/readyz"] });
    return {
      server,
      close: async () => {
        await server.close();
        await db.$client.end().catch(() => {});
      },
    };
  } catch (err) {
    log.warn("metrics port not opened; the gateway runs without /metrics", { host: config.GATEWAY_METRICS_HOST, port: config.GATEWAY_METRICS_PORT, error: (err as Error).message });
    await db.$client.end().catch(() => {});
    return NOTHING;
  }
}

/** In a node:cluster worker: answer the primary's requests for this worker's registry. */
export function shareMetricsWithPrimary(): GatewayMetricsHandle {
  // Constructing one installs prom-client's worker-side IPC listener.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([gatewayRegistry]);
  return NOTHING;
}
