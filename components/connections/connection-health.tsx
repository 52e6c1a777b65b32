import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { DateTime } from "@/components/ui/date-time";
import type { ConnectionHealthDto, ConnectionSessionCountsDto } from "@/lib/shared/contracts/connections";

/** "OK · 3 minutes ago" in green or "failed · …" in red, with the message on hover; "not tested" when no test of the saved settings ran. */
export function ConnectionHealthBadge({ health }: { health: ConnectionHealthDto | null }) {
  if (!health) return <Badge tone="neutral">not tested</Badge>;
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5" title={health.message}>
      <Badge tone={health.isOk ? "success" : "danger"}>{health.isOk ? "OK" : "failed"}</Badge>
      <span className="text-xs text-slate-500">
        <DateTime value={health.testedAt} isRelative />
      </span>
      <span className="sr-only">{health.message}</span>
    </span>
  );
}

/** The last test's result, time and message in full, for the connection's page. */
export function ConnectionHealthSummary({ health }: { health: ConnectionHealthDto | null }) {
  if (!health) return <p className="text-sm text-slate-500">Not tested since its settings were saved. Use Test connection below.</p>;
  return (
    <div className="space-y-1 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={health.isOk ? "success" : "danger"}>{health.isOk ? "Connected" : "Failed"}</Badge>
        <span className="text-slate-600">
          last tested <DateTime value={health.testedAt} />
        </span>
      </div>
      <p className={health.isOk ? "break-words text-slate-600" : "break-words text-red-700"} data-testid="connection-health-message">
        {health.message}
      </p>
    </div>
  );
}

/** "2 open · 15 in 24 h", linking to the connection's sessions. */
export function SessionCounts({ connectionId, counts }: { connectionId: string; counts: ConnectionSessionCountsDto }) {
  return (
    <Link
      href={`/sessions?connection=${encodeURIComponent(connectionId)}`}
      className="rounded text-sm whitespace-nowrap tabular-nums text-slate-700 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
      aria-label={`${counts.open} open sessions, ${counts.last24h} in the last 24 hours`}
    >
      <span className={counts.open > 0 ? "font-semibold text-brand-700" : undefined}>{counts.open} open</span>
      <span className="text-slate-400"> · </span>
      {counts.last24h} in 24 h
    </Link>
  );
}
