import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/create-db";

/**
 * Waits until the gateway's recording has caught up (the store's statement records stop changing),
 * so an async worker's backlog is not still being written while the next target is measured.
 */
export async function waitForRecordingToSettle(store: Db, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const { rows } = await store.execute(sql`select count(*) as total, count(*) filter (where status = 'running') as running from statements`);
    const now = JSON.stringify(rows[0]);
    if (now === last || Date.now() > deadline) return;
    last = now;
    await new Promise((r) => setTimeout(r, 500));
  }
}
