import { and, asc, eq, gt, sql } from "drizzle-orm";
import { auditEvents, eventSinks, type EventSink } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { createEventTypeFilter } from "./event-type-filter";
import { toOutboxEvent } from "./event-envelope";
import { computeRetryDelay, DEFAULT_BACKOFF, type BackoffSettings } from "./retry-backoff";
import { openSink } from "./sinks/open-sink";

export type DeliverySettings = {
  secretKey: Buffer;
  /** Events read per step (the matching ones go out as one webhook POST or one file append). */
  batchSize?: number;
  backoff?: BackoffSettings;
  webhookTimeoutMs?: number;
};

/**
 * What one step did. `delivered`: the cursor moved to `toSeq` (`sent` events went out, the rest did
 * not match the filter); `idle`: nothing after the cursor; `not_due`: off, dead, or waiting for its
 * next attempt; `failed`: the sink refused or did not answer, and its failure state was written.
 */
export type BatchOutcome =
  | { kind: "delivered"; fromSeq: number; toSeq: number; sent: number; isFullBatch: boolean }
  | { kind: "idle" }
  | { kind: "not_due" }
  | { kind: "failed"; error: string; state: "retrying" | "dead"; failedAttempts: number; nextAttemptAt: Date | null };

export const DEFAULT_BATCH_SIZE = 500;

export function isSinkDue(sink: Pick<EventSink, "isEnabled" | "state" | "nextAttemptAt">, now = new Date()): boolean {
  if (!sink.isEnabled || sink.state === "dead") return false;
  return sink.nextAttemptAt === null || sink.nextAttemptAt <= now;
}

/**
 * One delivery step for one sink: the events after its cursor, in seq order, filtered, sent, and
 * only then the cursor moved (at least once: a crash between the send and the update sends the
 * batch again, and the receiver dedups by seq). The caller must be the sink's only deliverer (the
 * runner holds its advisory lock); the cursor update still names the cursor it started from, so a
 * deliverer that lost its lock never moves a cursor backwards.
 */
export async function deliverNextBatch(db: Db, sinkId: string, settings: DeliverySettings, signal?: AbortSignal): Promise<BatchOutcome> {
  const [sink] = await db.select().from(eventSinks).where(eq(eventSinks.id, sinkId));
  if (!sink || !isSinkDue(sink)) return { kind: "not_due" };
  const batchSize = settings.batchSize ?? DEFAULT_BATCH_SIZE;
  const rows = await db.select().from(auditEvents).where(gt(auditEvents.seq, sink.deliveredSeq)).orderBy(asc(auditEvents.seq)).limit(batchSize);
  if (rows.length === 0) {
    if (sink.state !== "active") await recordSuccess(db, sink, sink.deliveredSeq, false);
    return { kind: "idle" };
  }
  const matches = createEventTypeFilter(sink.eventTypes);
  const events = rows.filter((r) => matches(r.action)).map(toOutboxEvent);
  const toSeq = rows[rows.length - 1].seq;
  if (events.length > 0) {
    try {
      await openSink(sink, settings.secretKey, { webhookTimeoutMs: settings.webhookTimeoutMs }).deliver(events, signal);
    } catch (err) {
      if (signal?.aborted) return { kind: "not_due" };
      return recordFailure(db, sink, (err as Error).message, settings.backoff ?? DEFAULT_BACKOFF);
    }
  }
  await recordSuccess(db, sink, toSeq, events.length > 0);
  return { kind: "delivered", fromSeq: sink.deliveredSeq, toSeq, sent: events.length, isFullBatch: rows.length === batchSize };
}

async function recordSuccess(db: Db, sink: EventSink, toSeq: number, isSent: boolean) {
  await db
    .update(eventSinks)
    .set({
      deliveredSeq: toSeq,
      state: "active",
      failedAttempts: 0,
      nextAttemptAt: null,
      lastError: null,
      lastAttemptAt: isSent ? sql`now()` : sink.lastAttemptAt,
      lastDeliveredAt: isSent ? sql`now()` : sink.lastDeliveredAt,
    })
    .where(and(eq(eventSinks.id, sink.id), eq(eventSinks.deliveredSeq, sink.deliveredSeq)));
}

async function recordFailure(db: Db, sink: EventSink, error: string, backoff: BackoffSettings): Promise<BatchOutcome> {
  const failedAttempts = sink.failedAttempts + 1;
  const isDead = failedAttempts >= sink.maxAttempts;
  const nextAttemptAt = isDead ? null : new Date(Date.now() + computeRetryDelay(failedAttempts, backoff));
  const state = isDead ? "dead" : "retrying";
  await db
    .update(eventSinks)
    .set({ state, failedAttempts, nextAttemptAt, lastError: error.slice(0, 1000), lastAttemptAt: sql`now()` })
    .where(and(eq(eventSinks.id, sink.id), eq(eventSinks.deliveredSeq, sink.deliveredSeq)));
  return { kind: "failed", error, state, failedAttempts, nextAttemptAt };
}
