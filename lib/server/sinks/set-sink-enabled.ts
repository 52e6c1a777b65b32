import "server-only";
import { eq } from "drizzle-orm";
import { eventSinks } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { lockSinkRow } from "./list-sinks";
import { requireConsoleSink } from "./require-console-sink";
import { auditableSink, toEventSinkDto } from "./sink-dto";

/**
 * Switches a console sink on or off (the list's quick switch), audited as event_sink.enable or
 * .disable. Off, the outbox skips the sink and its cursor stays put: switched back on, it resumes
 * where it stopped, nothing skipped.
 */
export async function setSinkEnabled(db: Db, actor: string, id: string, isEnabled: boolean): Promise<EventSinkDto> {
  return db.transaction(async (tx) => {
    const before = requireConsoleSink(await lockSinkRow(tx, id));
    const [after] = await tx.update(eventSinks).set({ isEnabled, updatedAt: new Date() }).where(eq(eventSinks.id, id)).returning();
    const event = await appendAuditEvent(tx, {
      actor,
      action: isEnabled ? "event_sink.enable" : "event_sink.disable",
      targetType: "event_sink",
      targetId: id,
      targetName: after.name,
      before: auditableSink(before),
      after: auditableSink(after),
    });
    return toEventSinkDto(after, event.seq);
  });
}
