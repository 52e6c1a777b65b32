import "server-only";
import { eq, sql } from "drizzle-orm";
import { sessions } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS } from "@/lib/db/store-listener";
import { END_SESSION_ROLES, endSessionInput, type EndSessionInput } from "@/lib/shared/contracts/end-session";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { hasAnyRole } from "@/lib/shared/roles";
import { ServiceError } from "../connections/service-error";
import { toSessionDto } from "./session-dto";
import type { SessionViewer } from "./session-visibility";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An admin ends a live session: who, when and why are written on the session row, with an audit
 * event (session.end_request) and a NOTIFY to the gateway workers, in one transaction. The worker
 * holding the session closes it (57P01 with the reason; end reason ended_by_admin:
 * proxy/session/end-request-listener.ts). An ended session answers 409. Asking again while the end
 * is on its way records the new request and signals again (a worker that was restarting gets it).
 */
export async function endSession(db: Db, actor: SessionViewer, sessionId: string, input: EndSessionInput): Promise<SessionDto> {
  if (!hasAnyRole(actor.roles, END_SESSION_ROLES)) throw new ServiceError("Only an admin can end a session.", 403);
  const { reason } = endSessionInput.parse(input);
  if (!UUID.test(sessionId)) throw new ServiceError("There is no such session.", 404);
  return db.transaction(async (tx) => {
    const [found] = await tx.select().from(sessions).where(eq(sessions.id, sessionId)).for("update");
    if (!found) throw new ServiceError("There is no such session.", 404);
    if (found.endedAt) throw new ServiceError(`This session already ended (${found.endReason ?? "unknown reason"}) at ${found.endedAt.toISOString()}.`, 409);
    const [row] = await tx
      .update(sessions)
      .set({ endRequestedBy: actor.email, endRequestedAt: new Date(), endRequestReason: reason })
      .where(eq(sessions.id, sessionId))
      .returning();
    await appendAuditEvent(tx, {
      actor: actor.email,
      action: "session.end_request",
      targetType: "session",
      targetId: row.id,
      targetName: row.connectionName,
      details: { reason, userName: row.userName, agentName: row.agentName, gatewayInstance: row.gatewayInstance, previousRequestBy: found.endRequestedBy },
    });
    await tx.execute(sql`select pg_notify(${STORE_CHANNELS.sessionEndRequested}, ${row.id})`);
    return toSessionDto(row);
  });
}
