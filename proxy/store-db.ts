import { createDb, type Db } from "@/lib/db/create-db";

/**
 * The worker's pool to the store: createDb with tight time limits, because the gateway must notice an
 * unreachable store quickly and refuse statements rather than hang them.
 */
export function createGatewayDb(url: string, opts: { max?: number; connectTimeoutMs?: number; queryTimeoutMs?: number } = {}): Db {
  return createDb(url, {
    max: opts.max ?? 8,
    applicationName: "warden-gateway",
    connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
    queryTimeoutMs: opts.queryTimeoutMs ?? 15_000,
  });
}
