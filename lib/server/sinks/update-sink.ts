import "server-only";
import { eq } from "drizzle-orm";
import { eventSinks, type EventSink } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { encryptSinkSecret } from "@/lib/outbox/sink-secret";
import { updateEventSinkInput, type EventSinkDto, type UpdateEventSinkInput } from "@/lib/shared/contracts/event-sinks";
import { isUniqueViolation, ServiceError } from "../connections/service-error";
import { DUPLICATE_SINK_NAME } from "./create-sink";
import { getNewestAuditSeq } from "./newest-audit-seq";
import { lockSinkRow } from "./list-sinks";
import { requireConsoleSink } from "./require-console-sink";
import { auditableSink, toEventSinkDto } from "./sink-dto";

/** The settings an admin edits; delivery state (cursor, failures) belongs to the outbox and Retry. */
const SETTINGS = ["name", "isEnabled", "url", "filePath", "maxFileBytes", "maxFiles", "eventTypes", "maxAttempts"] as const satisfies readonly (keyof EventSink)[];

/** The settings whose value differs, by name. */
export function changedSettings(before: EventSink, after: EventSink): string[] {
  return SETTINGS.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/**
 * Changes a console sink's settings, audited in the same transaction with before/after (never the
 * secret: `hasSecret`, and `secretChanged` in the details). An absent secret keeps the stored one.
 * A change that only switches the sink on or off is recorded as event_sink.enable / .disable.
 */
export async function updateSink(db: Db, secretKey: Buffer, actor: string, id: string, input: UpdateEventSinkInput): Promise<EventSinkDto> {
  try {
    return await db.transaction(async (tx) => {
      const before = requireConsoleSink(await lockSinkRow(tx, id));
      // After the source check: an environment sink (named env-…) is refused as read-only, not for its name.
      const data = updateEventSinkInput.parse(input);
      if (before.kind !== data.kind) throw new ServiceError("A sink's kind cannot change; create another sink instead.", 400, { kind: "A sink's kind cannot change." });
      const secretCiphertext = data.kind === "webhook" && data.secret ? encryptSinkSecret(secretKey, data.secret, id) : before.secretCiphertext;
      const [after] = await tx
        .update(eventSinks)
        .set({
          name: data.name,
          isEnabled: data.isEnabled,
          url: data.kind === "webhook" ? data.url : null,
          secretCiphertext,
          filePath: data.kind === "file" ? data.filePath : null,
          maxFileBytes: data.kind === "file" ? data.maxFileBytes : null,
          maxFiles: data.kind === "file" ? data.maxFiles : null,
          eventTypes: data.eventTypes,
          maxAttempts: data.maxAttempts,
          updatedAt: new Date(),
        })
        .where(eq(eventSinks.id, id))
        .returning();
      const changed = changedSettings(before, after);
      const secretChanged = secretCiphertext !== before.secretCiphertext;
      const isOnlySwitch = changed.length === 1 && changed[0] === "isEnabled" && !secretChanged;
      const event = await appendAuditEvent(tx, {
        actor,
        action: isOnlySwitch ? (after.isEnabled ? "event_sink.enable" : "event_sink.disable") : "event_sink.update",
        targetType: "event_sink",
        targetId: id,
        targetName: after.name,
        before: auditableSink(before),
        after: auditableSink(after),
        details: { changed, secretChanged },
      });
      return toEventSinkDto(after, event.seq);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ServiceError(DUPLICATE_SINK_NAME, 409, { name: DUPLICATE_SINK_NAME });
    throw err;
  }
}
