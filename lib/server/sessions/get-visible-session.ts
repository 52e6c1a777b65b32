import "server-only";
import type { DbOrTx } from "@/lib/db/create-db";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { ServiceError } from "../connections/service-error";
import { findSession } from "./find-session";
import { assertSessionVisible, type SessionViewer } from "./session-visibility";

/** The session for a route handler: 404 when unknown, 403 when it is someone else's and the viewer may see only their own. */
export async function getVisibleSession(db: DbOrTx, viewer: SessionViewer, id: string): Promise<SessionDto> {
  const session = await findSession(db, id);
  if (!session) throw new ServiceError("There is no such session.", 404);
  assertSessionVisible(viewer, session);
  return session;
}
