import "server-only";
import type { DbOrTx } from "@/lib/db/create-db";
import type { ActivityOverviewDto } from "@/lib/shared/contracts/overview";
import { activityFilterFor, canSeeOrganisationCounters, type ActivityViewer } from "./activity-scope";
import { buildActivityWindow } from "./activity-windows";
import { getActivitySeries } from "./get-activity-series";
import { getOverview } from "./get-overview";
import { listRecentBlocked } from "./list-recent-blocked";
import { listTopActors } from "./list-top-actors";
import { summarizeApprovals } from "./summarize-approvals";

/** Per minute over the last hour; per quarter hour over the last day. */
export const HOUR_WINDOW = { bucketMinutes: 1, bucketCount: 60 } as const;
export const DAY_WINDOW = { bucketMinutes: 15, bucketCount: 96 } as const;

/**
 * The Overview's dashboard for one viewer: the organisation's activity for admins, reviewers and
 * auditors, their own for developers; the organisation's counters only for admins and auditors.
 */
export async function getActivityOverview(db: DbOrTx, viewer: ActivityViewer, now = new Date()): Promise<ActivityOverviewDto> {
  const filter = activityFilterFor(viewer);
  const hour = buildActivityWindow(now, HOUR_WINDOW.bucketMinutes, HOUR_WINDOW.bucketCount);
  const day = buildActivityWindow(now, DAY_WINDOW.bucketMinutes, DAY_WINDOW.bucketCount);
  const [lastHour, lastDay, top, approvals, recentBlocked, organisation] = await Promise.all([
    getActivitySeries(db, filter, hour),
    getActivitySeries(db, filter, day),
    listTopActors(db, filter, day),
    summarizeApprovals(db, filter, now),
    listRecentBlocked(db, viewer, filter, day),
    canSeeOrganisationCounters(viewer) ? getOverview(db) : Promise.resolve(null),
  ]);
  return {
    scope: filter.scope,
    generatedAt: now.toISOString(),
    lastHour,
    lastDay,
    topPeople: top.people,
    topAgents: top.agents,
    ...approvals,
    recentBlocked,
    organisation,
  };
}
