import "server-only";
import type { EventSink } from "@/drizzle/schema";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";

/**
 * The only shape of a sink that leaves the server: the signing secret is reduced to `hasSecret`.
 * `newestSeq` is the trail's last sequence number, so the console can show how far behind the sink is.
 */
export function toEventSinkDto(s: EventSink, newestSeq: number): EventSinkDto {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    source: s.source,
    isEnabled: s.isEnabled,
    url: s.url,
    hasSecret: Boolean(s.secretCiphertext),
    filePath: s.filePath,
    maxFileBytes: s.maxFileBytes,
    maxFiles: s.maxFiles,
    eventTypes: s.eventTypes,
    maxAttempts: s.maxAttempts,
    state: s.state,
    deliveredSeq: s.deliveredSeq,
    lag: Math.max(0, newestSeq - s.deliveredSeq),
    failedAttempts: s.failedAttempts,
    nextAttemptAt: s.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: s.lastAttemptAt?.toISOString() ?? null,
    lastDeliveredAt: s.lastDeliveredAt?.toISOString() ?? null,
    lastError: s.lastError,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

/**
 * What the audit log keeps of a sink: its settings and delivery state, never the secret or its
 * ciphertext (`hasSecret` says whether one is stored). Timestamps of the row itself are left out:
 * the event has its own.
 */
export function auditableSink(s: EventSink) {
  const { secretCiphertext, createdAt, updatedAt, nextAttemptAt, lastAttemptAt, lastDeliveredAt, ...rest } = s;
  return {
    ...rest,
    hasSecret: Boolean(secretCiphertext),
    nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
    lastDeliveredAt: lastDeliveredAt?.toISOString() ?? null,
  };
}
