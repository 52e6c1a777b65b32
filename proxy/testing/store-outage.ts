import pg from "pg";
import { inject } from "vitest";

/**
 * Makes a store database unreachable for real, and back: no new connections are accepted and
 * existing ones are ended, as when the store's server goes away.
 */
export async function setStoreReachable(storeUrl: string, isReachable: boolean): Promise<void> {
  const name = decodeURIComponent(new URL(storeUrl).pathname.slice(1));
  const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await admin.connect();
  try {
    await admin.query(`alter database ${pg.escapeIdentifier(name)} allow_connections ${isReachable}`);
    if (!isReachable) await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
  } finally {
    await admin.end();
  }
}
