import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "@/drizzle/schema";

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };
export type DbOrTx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

export type CreateDbOptions = { max?: number; applicationName?: string; connectTimeoutMs?: number; queryTimeoutMs?: number };

/** One pool per process for the store database, shared by every service in it. */
export function createDb(url: string, opts: CreateDbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? "warden",
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    query_timeout: opts.queryTimeoutMs,
  });
  // A client losing its connection (store restart) must not crash the process: an idle one is
  // replaced by the pool; a checked-out one emits 'error' with nobody listening, and its query fails
  // on its own.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return drizzle(pool, { schema, casing: "snake_case" }) as Db;
}
