import Link from "next/link";
import { Card } from "@/components/ui/card";
import { formatDuration } from "@/components/ui/format-duration";
import type { ActivityOverviewDto } from "@/lib/shared/contracts/overview";

type ApprovalsCardProps = Pick<ActivityOverviewDto, "pendingApprovals" | "decisionTime"> & { canReview: boolean };

/** Requests waiting for a reviewer, oldest first with their age, and how long decisions take. */
export function ApprovalsCard({ pendingApprovals, decisionTime, canReview }: ApprovalsCardProps) {
  const median = decisionTime.medianSeconds === null ? "—" : formatDuration(decisionTime.medianSeconds * 1000);
  return (
    <Card title="Approvals" actions={canReview ? <Link href="/approvals" className="text-sm font-medium text-brand-700 hover:underline">Review requests</Link> : undefined}>
      <dl className="grid grid-cols-2 gap-4" data-testid="approvals-summary">
        <div>
          <dt className="text-sm text-slate-500">Pending</dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid="approvals-pending">{pendingApprovals.count}</dd>
        </div>
        <div>
          <dt className="text-sm text-slate-500" title={`Over ${decisionTime.decidedCount} requests approved or rejected in the last ${decisionTime.windowDays} days`}>
            Median time to decision
          </dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid="approvals-median">{median}</dd>
          <dd className="text-xs text-slate-500">
            {decisionTime.decidedCount} decided, last {decisionTime.windowDays} days
          </dd>
        </div>
      </dl>
      {pendingApprovals.oldest.length > 0 && (
        <ul className="mt-4 divide-y divide-slate-100 text-sm" aria-label="Oldest pending approvals" data-testid="approvals-oldest">
          {pendingApprovals.oldest.map((p) => (
            <li key={p.id} className="flex items-baseline justify-between gap-3 py-1.5">
              <span className="min-w-0 truncate">
                {canReview ? (
                  <Link href={`/approvals/${p.id}`} className="font-mono text-xs text-brand-700 hover:underline">{p.sqlPreview}</Link>
                ) : (
                  <span className="font-mono text-xs">{p.sqlPreview}</span>
                )}
                <span className="ml-2 text-xs text-slate-500">
                  {p.agentName ? `${p.agentName} for ` : ""}
                  {p.requester} on {p.connectionName}
                </span>
              </span>
              <span className="shrink-0 text-xs text-slate-600 tabular-nums">waiting {formatDuration(p.ageSeconds * 1000)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
