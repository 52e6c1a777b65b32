import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";

/**
 * The worker's pool to the store: like createDb, with time limits, because the gateway must notice an
 * unreachable store quickly and refuse statements rather than hang them.
 */
export function createGatewayDb(url: string, opts: { max?: number; connectTimeoutMs?: number; queryTimeoutMs?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 8,
    application_name: "warden-gateway",
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    query_timeout: opts.queryTimeoutMs ?? 15_000,
  });
  pool.on("error", () => {});
  // A client checked out when the store drops its connection emits 'error' with nobody listening,
  // which would take the whole worker down; its query fails on its own and the pool replaces it.
  pool.on("connect", (client) => client.on("error", () => {}));
  return drizzle(pool, { schema, casing: "snake_case" }) as Db;
}
