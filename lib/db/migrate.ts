import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { createDb } from "./create-db";

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle/migrations");

/** Applies the committed SQL migrations in drizzle/migrations; safe to run at every start and from several processes. */
export async function migrateStore(url: string): Promise<void> {
  const db = createDb(url, { max: 1, applicationName: "warden-migrate" });
  try {
    // Serialise concurrent starters (several gateway workers booting at once).
    await db.$client.query("select pg_advisory_lock(7341001)");
    await migrate(db, { migrationsFolder });
  } finally {
    await db.$client.end();
  }
}
