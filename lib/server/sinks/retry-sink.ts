import "server-only";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { retrySink } from "@/lib/outbox/reset-sink";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { ServiceError } from "../connections/service-error";
import { findSinkRow, lockSinkRow } from "./list-sinks";
import { auditableSink, toEventSinkDto } from "./sink-dto";

/**
 * An admin's Retry: a dead (or waiting) sink goes back to delivery now, from the event after its
 * cursor, so nothing is skipped. Environment sinks may be retried too: it changes no setting. The
 * reset itself is the outbox's (lib/outbox/reset-sink.ts); this adds the audit record, in the same
 * transaction.
 */
export async function retryEventSink(db: Db, actor: string, id: string): Promise<EventSinkDto> {
  return db.transaction(async (tx) => {
    const before = await lockSinkRow(tx, id);
    if (!before) throw new ServiceError("This event sink does not exist (any more).", 404);
    if (before.state === "active") throw new ServiceError("This sink is delivering: there is nothing to retry.", 409);
    await retrySink(tx, id);
    const after = (await findSinkRow(tx, id))!;
    const event = await appendAuditEvent(tx, {
      actor,
      action: "event_sink.retry",
      targetType: "event_sink",
      targetId: id,
      targetName: after.name,
      before: auditableSink(before),
      after: auditableSink(after),
      details: { resumesAtSeq: after.deliveredSeq + 1, lastError: before.lastError },
    });
    return toEventSinkDto(after, event.seq);
  });
}
