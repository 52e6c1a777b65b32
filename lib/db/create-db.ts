import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "@/drizzle/schema";

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };
export type DbOrTx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

/** One pool per process for the store database, shared by every service in it. */
export function createDb(url: string, opts: { max?: number; applicationName?: string } = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? "warden",
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (store restart) must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  return drizzle(pool, { schema, casing: "snake_case" }) as Db;
}
