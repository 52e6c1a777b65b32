import "server-only";
import type { Db } from "@/lib/db/create-db";
import { sessionsQuery, type SessionPageDto, type SessionsQuery } from "@/lib/shared/contracts/sessions";
import { listSessions } from "./list-sessions";
import { canSeeAllSessions, type SessionViewer } from "./session-visibility";

/**
 * The session list for one viewer. Someone who may see only their own sessions gets them whatever
 * user filter they send: the restriction is applied here, on the server, not by hiding a control.
 * Paging and filters are listSessions' (keyset on started_at, an index per filter, counters kept on
 * the session row), so a page costs the same with 100,000 statements stored as with ten.
 */
export async function listVisibleSessions(db: Db, viewer: SessionViewer, query: SessionsQuery): Promise<SessionPageDto> {
  const q = sessionsQuery.parse(query);
  const userName = canSeeAllSessions(viewer.roles) ? q.user : viewer.email;
  return listSessions(db, {
    userName,
    actorKind: q.actor,
    connectionId: q.connection,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    hasErrors: q.errors === "1" ? true : undefined,
    limit: q.limit,
    cursor: q.cursor && isWellFormedCursor(q.cursor) ? q.cursor : undefined,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * listSessions compares the cursor's id with a uuid column, so a hand-edited cursor would be a
 * database error (500); a malformed one is treated as "first page" instead.
 */
function isWellFormedCursor(cursor: string): boolean {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  return !Number.isNaN(new Date(at ?? "").getTime()) && UUID.test(id ?? "");
}
