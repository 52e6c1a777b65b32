"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { DateTime } from "@/components/ui/date-time";
import { useIsClient } from "@/components/ui/use-is-client";
import type { RecentBlockedStatement } from "@/lib/shared/contracts/overview";

/** The player opens a session at the statement named by `seq` (its number within the session). */
export function statementHref(b: Pick<RecentBlockedStatement, "sessionId" | "seq">): string {
  return `/sessions/${encodeURIComponent(b.sessionId)}?seq=${b.seq}`;
}

/** The newest refused statements of the last day, each opening its session in the player at that statement. */
export function RecentBlockedCard({ statements }: { statements: RecentBlockedStatement[] }) {
  const isClient = useIsClient();
  return (
    <Card title="Recent blocked statements" description="Refused by policy or by a reviewer, last 24 hours." isPadded={false}>
      {statements.length === 0 ? (
        <div className="p-5">
          <EmptyState title="Nothing blocked" description="No statement was refused in the last 24 hours." />
        </div>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="recent-blocked">
          {statements.map((b) => (
            <li key={b.statementId} className="px-5 py-3 text-sm" data-testid="recent-blocked-item">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                {b.canOpen ? (
                  <Link href={statementHref(b)} className="min-w-0 truncate font-mono text-xs text-brand-700 hover:underline" title={b.sqlPreview}>
                    {b.sqlPreview}
                  </Link>
                ) : (
                  <span className="min-w-0 truncate font-mono text-xs" title={b.sqlPreview}>
                    {b.sqlPreview}
                  </span>
                )}
                <span className="text-xs text-slate-500">{isClient ? <DateTime value={b.receivedAt} isRelative /> : null}</span>
              </div>
              <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                {b.wasHeld && <Badge tone="warning">held, then refused</Badge>}
                <span>
                  {b.agentName ? `${b.agentName} for ` : ""}
                  {b.userName} on {b.connectionName}, statement #{b.seq}
                </span>
                {b.reason && <span className="text-slate-600">· {b.reason}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
