import "server-only";
import { and, gte, inArray, isNull, or, sql } from "drizzle-orm";
import { sessions } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { ConnectionSessionCountsDto } from "@/lib/shared/contracts/connections";

const DAY_MS = 24 * 3600 * 1000;

export const NO_SESSIONS: ConnectionSessionCountsDto = { open: 0, last24h: 0 };

/**
 * Per connection: sessions open now, and sessions open at any time in the last 24 hours (started
 * in it, ended in it, or still open). Sessions of deleted connections (connection_id null) are not
 * counted. Only the last day's and the open sessions are read, so the catalog page stays cheap
 * however long the recording history is.
 */
export async function countConnectionSessions(db: DbOrTx, connectionIds: string[], now = new Date()): Promise<Map<string, ConnectionSessionCountsDto>> {
  const counts = new Map<string, ConnectionSessionCountsDto>();
  if (connectionIds.length === 0) return counts;
  const since = new Date(now.getTime() - DAY_MS);
  const rows = await db
    .select({
      connectionId: sessions.connectionId,
      open: sql<number>`count(*) filter (where ${sessions.endedAt} is null)`.mapWith(Number),
      last24h: sql<number>`count(*)`.mapWith(Number),
    })
    .from(sessions)
    .where(and(inArray(sessions.connectionId, connectionIds), or(isNull(sessions.endedAt), gte(sessions.startedAt, since), gte(sessions.endedAt, since))))
    .groupBy(sessions.connectionId);
  for (const row of rows) if (row.connectionId) counts.set(row.connectionId, { open: row.open, last24h: row.last24h });
  return counts;
}
