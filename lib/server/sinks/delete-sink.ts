import "server-only";
import { eq } from "drizzle-orm";
import { eventSinks } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { lockSinkRow } from "./list-sinks";
import { requireConsoleSink } from "./require-console-sink";
import { auditableSink } from "./sink-dto";

/** Deletes a console sink (its cursor goes with it), audited in the same transaction. */
export async function deleteSink(db: Db, actor: string, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const before = requireConsoleSink(await lockSinkRow(tx, id));
    await tx.delete(eventSinks).where(eq(eventSinks.id, id));
    await appendAuditEvent(tx, {
      actor,
      action: "event_sink.delete",
      targetType: "event_sink",
      targetId: id,
      targetName: before.name,
      before: auditableSink(before),
    });
  });
}
