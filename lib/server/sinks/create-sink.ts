import "server-only";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { eventSinks } from "@/drizzle/schema";
import { appendAuditEvent, AUDIT_CHAIN_LOCK } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { encryptSinkSecret } from "@/lib/outbox/sink-secret";
import { createEventSinkInput, type CreateEventSinkInput, type EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { isUniqueViolation, ServiceError } from "../connections/service-error";
import { getNewestAuditSeq } from "./newest-audit-seq";
import { auditableSink, toEventSinkDto } from "./sink-dto";

export const DUPLICATE_SINK_NAME = "An event sink with this name exists already.";

/**
 * Creates a console sink, audited in the same transaction. The webhook secret is stored encrypted
 * (bound to the sink's id) and never returned. Starting "now" puts the cursor at the trail's newest
 * event, read under the chain lock so no event can slip in between: the sink's first event is then
 * its own creation.
 */
export async function createSink(db: Db, secretKey: Buffer, actor: string, input: CreateEventSinkInput): Promise<EventSinkDto> {
  const data = createEventSinkInput.parse(input);
  const id = randomUUID();
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
      const newestSeq = await getNewestAuditSeq(tx);
      const [row] = await tx
        .insert(eventSinks)
        .values({
          id,
          name: data.name,
          kind: data.kind,
          source: "console",
          isEnabled: data.isEnabled,
          url: data.kind === "webhook" ? data.url : null,
          secretCiphertext: data.kind === "webhook" ? encryptSinkSecret(secretKey, data.secret, id) : null,
          filePath: data.kind === "file" ? data.filePath : null,
          maxFileBytes: data.kind === "file" ? data.maxFileBytes : null,
          maxFiles: data.kind === "file" ? data.maxFiles : null,
          eventTypes: data.eventTypes,
          maxAttempts: data.maxAttempts,
          deliveredSeq: data.startAt === "now" ? newestSeq : 0,
          createdBy: actor,
        })
        .returning();
      const event = await appendAuditEvent(tx, {
        actor,
        action: "event_sink.create",
        targetType: "event_sink",
        targetId: row.id,
        targetName: row.name,
        after: auditableSink(row),
        details: { startAt: data.startAt },
      });
      return toEventSinkDto(row, event.seq);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ServiceError(DUPLICATE_SINK_NAME, 409, { name: DUPLICATE_SINK_NAME });
    throw err;
  }
}
