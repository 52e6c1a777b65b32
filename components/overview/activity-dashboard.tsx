"use client";

import { Alert } from "@/components/ui/alert";
import { useActivityOverview } from "@/lib/client/overview";
import type { ActivityOverviewDto } from "@/lib/shared/contracts/overview";
import { ActivityChart, OutcomeLegend } from "./activity-chart";
import { ApprovalsCard } from "./approvals-card";
import { RecentBlockedCard } from "./recent-blocked-card";
import { TopActorsCard } from "./top-actors-card";

/** The Overview's activity: rendered first from the server's aggregates, then refreshed by polling /api/overview. */
export function ActivityDashboard({ initial, canReview }: { initial: ActivityOverviewDto; canReview: boolean }) {
  const { data, error } = useActivityOverview(initial);
  const o = data ?? initial;
  const whose = o.scope === "own" ? "Your activity" : "Activity across the organisation";
  return (
    <section className="mt-8 space-y-5" aria-labelledby="activity-heading" data-testid="activity-dashboard" data-scope={o.scope}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="activity-heading" className="text-lg font-semibold">
            {whose}
          </h2>
          <p className="text-sm text-slate-500">
            {o.scope === "own" ? "Statements from sessions you signed in to the gateway with your email." : "Every session through the gateway."} Updates every 15 seconds.
          </p>
        </div>
        <OutcomeLegend />
      </div>
      {error && <Alert tone="warning" title="Updates paused">{error.message}</Alert>}
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <ActivityChart title="Statements per minute, last hour" period="the last hour" series={o.lastHour} testId="chart-last-hour" />
        <ActivityChart title="Statements per 15 minutes, last day" period="the last 24 hours" series={o.lastDay} testId="chart-last-day" />
      </div>
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <TopActorsCard title="People" noun="Person" actors={o.topPeople} testId="top-people" />
        <TopActorsCard title="Agents" noun="Agent" actors={o.topAgents} testId="top-agents" />
      </div>
      <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-2">
        <ApprovalsCard pendingApprovals={o.pendingApprovals} decisionTime={o.decisionTime} canReview={canReview} />
        <RecentBlockedCard statements={o.recentBlocked} />
      </div>
    </section>
  );
}
