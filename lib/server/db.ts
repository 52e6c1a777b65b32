import "server-only";
import { createDb, type Db } from "@/lib/db/create-db";
import { getConfig } from "./config";

const globalForDb = globalThis as unknown as { wardenDb?: Db };

/** The console's one pool to the store. */
export function getDb(): Db {
  globalForDb.wardenDb ??= createDb(getConfig().DATABASE_URL, { applicationName: "warden-console" });
  return globalForDb.wardenDb;
}
