"use client";

import { describeEndReason } from "@/lib/shared/end-reasons";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { formatElapsed } from "@/components/ui/format-duration";
import { DateTime } from "@/components/ui/date-time";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { formatUtc } from "@/lib/shared/format-date-time";
import { ActorBadge } from "./actor-badge";
import { RequesterIdentity } from "./requester-identity";

const COLUMNS: DataTableColumn<SessionDto>[] = [
  {
    key: "started",
    header: "Started",
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
  { key: "user", header: "User", cell: (s) => <RequesterIdentity subject={s.userName} mintedBy={s.tokenMintedBy} /> },
  { key: "actor", header: "Actor", cell: (s) => <ActorBadge kind={s.actorKind} agentName={s.agentName} /> },
  { key: "connection", header: "Connection", cell: (s) => <span className="font-mono text-xs">{s.connectionName}</span> },
  { key: "application", header: "Application", cell: (s) => (s.applicationName ? <span className="font-mono text-xs break-all">{s.applicationName}</span> : <Muted>—</Muted>) },
  { key: "client", header: "Client", cell: (s) => <span className="font-mono text-xs">{s.clientAddress}</span> },
  { key: "statements", header: "Statements", className: "text-right tabular-nums", cell: (s) => s.statementCount.toLocaleString() },
  {
    key: "errors",
    header: "Errors",
    className: "text-right tabular-nums",
    cell: (s) => (s.errorCount > 0 ? <span className="font-semibold text-red-700">{s.errorCount.toLocaleString()}</span> : <Muted>0</Muted>),
  },
  {
    key: "duration",
    header: "Duration",
    className: "whitespace-nowrap",
    cell: (s) => (s.endedAt ? <span className="tabular-nums">{formatElapsed(s.startedAt, s.endedAt)}</span> : <Badge tone="brand">open</Badge>),
  },
  { key: "end", header: "End reason", cell: (s) => (s.endReason ? <span className="text-xs text-slate-600" title={s.endReason}>{describeEndReason(s.endReason)}</span> : <Muted>—</Muted>) },
];

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
