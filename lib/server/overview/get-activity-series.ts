import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/create-db";
import type { ActivitySeries } from "@/lib/shared/contracts/overview";
import { OUTCOME_COUNTS_SQL, toCount, userCondition, type ActivityFilter } from "./activity-scope";
import { fillActivityBuckets, type ActivityWindow } from "./activity-windows";

/**
 * Statements per bucket by outcome over one window. A range on received_at (statements_received_at_idx,
 * and partition pruning once statements is partitioned by day); a developer's view joins their
 * sessions. Only non-empty buckets come back from SQL; the axis is filled in fillActivityBuckets.
 */
export async function getActivitySeries(db: DbOrTx, filter: ActivityFilter, window: ActivityWindow): Promise<ActivitySeries> {
  const interval = `${window.bucketMinutes} minutes`;
  const join = filter.userName === null ? sql`` : sql` join sessions s on s.id = st.session_id${userCondition(filter, sql`s.user_name`)}`;
  const result = await db.execute(sql`
    select date_bin(${interval}::interval, st.received_at, timestamptz '1970-01-01 00:00:00+00') as bucket, ${OUTCOME_COUNTS_SQL}
    from statements st${join}
    where st.received_at >= ${window.from.toISOString()}::timestamptz and st.received_at < ${window.to.toISOString()}::timestamptz
    group by 1`);
  const rows = result.rows.map((r) => {
    const held = toCount(r.held);
    const blocked = toCount(r.blocked);
    const error = toCount(r.error);
    const masked = toCount(r.masked);
    return { start: new Date(r.bucket as string | Date), held, blocked, error, masked, ok: toCount(r.total) - held - blocked - error - masked };
  });
  return fillActivityBuckets(window, rows);
}
