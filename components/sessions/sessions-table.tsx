"use client";

import clsx from "clsx";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { formatElapsed } from "@/components/ui/format-duration";
import { DateTime } from "@/components/ui/date-time";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { formatUtc } from "@/lib/shared/format-date-time";
import { describeEndReason } from "@/lib/shared/end-reasons";
import { ActorBadge } from "./actor-badge";
import { RequesterIdentity } from "./requester-identity";

/**
 * Widths: at 1440 px every column keeps its words on one line (a user name never wraps letter by
 * letter); long values are cut with an ellipsis and shown whole on hover. On a phone the table
 * stacks (DataTable), and the same cells shrink to the screen.
 */
const COLUMNS: DataTableColumn<SessionDto>[] = [
  {
    key: "started",
    header: "Started",
    // The date and the time (with its zone) may take two lines: the table must fit 1440 px.
    className: "min-w-28",
    cell: (s) => (
      <Link
        href={`/sessions/${s.id}`}
        aria-label={`Open the session of ${s.userName} started ${formatUtc(s.startedAt)}`}
        className="rounded font-medium text-brand-700 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
      >
        <DateTime value={s.startedAt} />
      </Link>
    ),
  },
  {
    key: "user",
    header: "User",
    cell: (s) => (
      <div className="truncate md:max-w-52">
        <RequesterIdentity subject={s.userName} mintedBy={s.tokenMintedBy} />
      </div>
    ),
  },
  {
    key: "actor",
    header: "Actor",
    cell: (s) => (
      <div className="flex items-center gap-1.5 whitespace-nowrap">
        <ActorBadge kind={s.actorKind} />
        {s.agentName && <Truncated text={s.agentName} className="font-mono text-xs text-slate-700 md:max-w-20" />}
      </div>
    ),
  },
  { key: "connection", header: "Connection", cell: (s) => <Truncated text={s.connectionName} className="font-mono text-xs md:max-w-32" /> },
  {
    key: "client",
    header: "Client",
    cell: (s) => (
      <div className="space-y-0.5">
        {s.applicationName ? <Truncated text={s.applicationName} className="font-mono text-xs md:max-w-32" /> : <Muted>—</Muted>}
        <Truncated text={s.clientAddress} className="font-mono text-xs text-slate-500 md:max-w-32" />
      </div>
    ),
  },
  {
    key: "statements",
    header: "Statements",
    className: "text-right tabular-nums whitespace-nowrap",
    cell: (s) => (
      <>
        {s.statementCount.toLocaleString()}
        {s.errorCount > 0 && <div className="text-xs font-semibold text-red-700">{s.errorCount === 1 ? "1 error" : `${s.errorCount.toLocaleString()} errors`}</div>}
      </>
    ),
  },
  {
    key: "ended",
    header: "Duration",
    // The time it ran, and under it why it ended, in words (the recorded code on hover), never cut off.
    cell: (s) => (
      <div className="space-y-0.5 md:min-w-36">
        {s.endedAt ? <div className="whitespace-nowrap tabular-nums">{formatElapsed(s.startedAt, s.endedAt)}</div> : <Badge tone="brand">open</Badge>}
        {s.endReason && (
          <div className="text-xs text-slate-600" title={s.endReason}>
            {describeEndReason(s.endReason)}
          </div>
        )}
      </div>
    ),
  },
];

/** One line, cut with an ellipsis where its column ends; the whole text on hover. */
function Truncated({ text, className }: { text: string; className?: string }) {
  return (
    <div className={clsx("truncate", className)} title={text}>
      {text}
    </div>
  );
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="text-slate-400">{children}</span>;
}

type SessionsTableProps = { sessions: SessionDto[] | undefined; isLoading: boolean; emptyState: ReactNode };

/** Sessions in the server's order (newest first); keyset paging makes client-side re-sorting misleading. */
export function SessionsTable({ sessions, isLoading, emptyState }: SessionsTableProps) {
  const router = useRouter();
  return (
    <DataTable
      label="Sessions, newest first"
      columns={COLUMNS}
      rows={sessions}
      getRowKey={(s) => s.id}
      isLoading={isLoading}
      skeletonRowCount={8}
      emptyState={emptyState}
      onRowClick={(s) => router.push(`/sessions/${s.id}`)}
    />
  );
}
