import "server-only";
import { hasAnyRole, type Role } from "@/lib/shared/roles";
import { ALL_SESSIONS_ROLES } from "@/lib/shared/contracts/sessions";
import { ServiceError } from "../connections/service-error";

export type SessionViewer = { email: string; roles: readonly Role[] };

/** Auditors and admins see every session; developers and reviewers only their own. */
export function canSeeAllSessions(roles: readonly Role[]): boolean {
  return hasAnyRole(roles, ALL_SESSIONS_ROLES);
}

/**
 * A session is someone's own when they signed in to the gateway with their console email. Compared
 * exactly, like the session list's index on user_name, so a session is openable exactly when it is
 * listed (tokens minted in the console carry the email as the IdP gave it).
 */
export function isSessionVisibleTo(viewer: SessionViewer, session: { userName: string }): boolean {
  return canSeeAllSessions(viewer.roles) || session.userName === viewer.email;
}

export function assertSessionVisible(viewer: SessionViewer, session: { userName: string }): void {
  if (!isSessionVisibleTo(viewer, session)) throw new ServiceError("You can open only your own sessions.", 403);
}
