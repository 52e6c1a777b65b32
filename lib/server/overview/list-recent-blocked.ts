import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/create-db";
import { OVERVIEW_SQL_PREVIEW_CHARS, type RecentBlockedStatement } from "@/lib/shared/contracts/overview";
import { canSeeAllSessions } from "../sessions/session-visibility";
import { userCondition, type ActivityFilter, type ActivityViewer } from "./activity-scope";
import type { ActivityWindow } from "./activity-windows";

export const RECENT_BLOCKED_LIMIT = 10;

/**
 * The newest statements the gateway refused (status 'blocked': by policy, or held and then rejected
 * or timed out) in the window: a backward walk of the received_at index, stopping at the tenth.
 * Only statements of sessions the viewer may open: their SQL is the session's content, so reviewers,
 * who see the organisation's counts but open only their own sessions (session-visibility.ts), see
 * only their own here too.
 */
export async function listRecentBlocked(db: DbOrTx, viewer: ActivityViewer, activity: ActivityFilter, window: ActivityWindow): Promise<RecentBlockedStatement[]> {
  const seesAll = canSeeAllSessions(viewer.roles);
  const filter: ActivityFilter = seesAll ? activity : { scope: "own", userName: viewer.email };
  const result = await db.execute(sql`
    select st.id, st.session_id, st.seq, st.received_at, left(st.sql, ${OVERVIEW_SQL_PREVIEW_CHARS}) as sql_preview, st.decision_reason, st.decision,
           s.user_name, s.agent_name, s.connection_name
    from statements st join sessions s on s.id = st.session_id
    where st.received_at >= ${window.from.toISOString()}::timestamptz and st.received_at < ${window.to.toISOString()}::timestamptz
      and st.status = 'blocked'${userCondition(filter, sql`s.user_name`)}
    order by st.received_at desc limit ${RECENT_BLOCKED_LIMIT}`);
  return result.rows.map((r) => ({
    statementId: String(r.id),
    sessionId: String(r.session_id),
    seq: Number(r.seq),
    receivedAt: new Date(r.received_at as string | Date).toISOString(),
    userName: String(r.user_name),
    agentName: r.agent_name === null ? null : String(r.agent_name),
    connectionName: String(r.connection_name),
    sqlPreview: String(r.sql_preview),
    reason: r.decision_reason === null ? null : String(r.decision_reason),
    wasHeld: r.decision === "hold",
    canOpen: true,
  }));
}
