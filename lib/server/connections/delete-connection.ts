import "server-only";
import { eq } from "drizzle-orm";
import { connections } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { auditableConnection } from "./connection-dto";
import { ServiceError } from "./service-error";

export async function deleteConnection(db: Db, actor: string, id: string) {
  await db.transaction(async (tx) => {
    const [before] = await tx.delete(connections).where(eq(connections.id, id)).returning();
    if (!before) throw new ServiceError("This connection does not exist (any more).", 404);
    await appendAuditEvent(tx, {
      actor,
      action: "connection.delete",
      targetType: "connection",
      targetId: id,
      targetName: before.name,
      before: auditableConnection(before),
    });
  });
}
