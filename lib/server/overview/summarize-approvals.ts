import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/create-db";
import { OVERVIEW_SQL_PREVIEW_CHARS, type ActivityOverviewDto } from "@/lib/shared/contracts/overview";
import { toCount, userCondition, type ActivityFilter } from "./activity-scope";

export const OLDEST_PENDING_LIMIT = 5;
export const DECISION_WINDOW_DAYS = 7;

/**
 * Pending approvals (count and the oldest few, with their age) and the median time from request to
 * a reviewer's decision. Pending reads use the partial index on pending requests; the median covers
 * requests approved or rejected in the last 7 days (timeouts and withdrawals are not decisions).
 * Ages are measured by the store's clock, like the requests' timestamps.
 */
export async function summarizeApprovals(
  db: DbOrTx,
  filter: ActivityFilter,
  now: Date,
): Promise<Pick<ActivityOverviewDto, "pendingApprovals" | "decisionTime">> {
  const mine = userCondition(filter, sql`requester`);
  const at = sql`${now.toISOString()}::timestamptz`;
  const [count, oldest, decided] = await Promise.all([
    db.execute(sql`select count(*) as n from approval_requests where status = 'pending'${mine}`),
    db.execute(sql`
      select id, requester, agent_name, connection_name, left(sql, ${OVERVIEW_SQL_PREVIEW_CHARS}) as sql_preview, created_at,
             greatest(0, extract(epoch from ${at} - created_at)) as age
      from approval_requests where status = 'pending'${mine}
      order by created_at limit ${OLDEST_PENDING_LIMIT}`),
    db.execute(sql`
      select count(*) as n, percentile_cont(0.5) within group (order by extract(epoch from decided_at - created_at)) as p50
      from approval_requests
      where status in ('approved', 'rejected') and decided_at > ${at} - make_interval(days => ${DECISION_WINDOW_DAYS})${mine}`),
  ]);
  const d = decided.rows[0] ?? {};
  return {
    pendingApprovals: {
      count: toCount(count.rows[0]?.n),
      oldest: oldest.rows.map((r) => ({
        id: String(r.id),
        requester: String(r.requester),
        agentName: r.agent_name === null ? null : String(r.agent_name),
        connectionName: String(r.connection_name),
        sqlPreview: String(r.sql_preview),
        createdAt: new Date(r.created_at as string | Date).toISOString(),
        ageSeconds: Math.round(toCount(r.age)),
      })),
    },
    decisionTime: { medianSeconds: d.p50 === null || d.p50 === undefined ? null : Number(d.p50), decidedCount: toCount(d.n), windowDays: DECISION_WINDOW_DAYS },
  };
}
