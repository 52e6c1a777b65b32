import { eq, sql } from "drizzle-orm";
import { eventSinks } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";

/**
 * Retry: a dead or waiting sink goes back to delivery at once. Only the failure state is reset; the
 * cursor (`deliveredSeq`) stays, so delivery resumes at the first event it has not confirmed and
 * nothing is skipped. The caller audits it (lib/server/sinks/retry-sink.ts, `warden outbox retry`).
 */
export async function retrySink(tx: DbOrTx, sinkId: string): Promise<void> {
  await tx
    .update(eventSinks)
    .set({ state: "active", failedAttempts: 0, nextAttemptAt: null, updatedAt: sql`now()` })
    .where(eq(eventSinks.id, sinkId));
}
