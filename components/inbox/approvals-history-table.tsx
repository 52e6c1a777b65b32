"use client";

import Link from "next/link";
import { ActorBadge } from "@/components/sessions/actor-badge";
import { RequesterIdentity } from "@/components/sessions/requester-identity";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { DateTime } from "@/components/ui/date-time";
import type { ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { ApprovalStatusBadge } from "./approval-status-badge";

/** At 1440 px names stay on one line (cut, whole on hover) and the comment gets room; on a phone the rows stack. */
const COLUMNS: DataTableColumn<ApprovalRequestDto>[] = [
  {
    key: "sql",
    header: "Statement",
    // The statement takes whatever width the other columns leave (max-width 0 lets the table shrink it), cut with an ellipsis.
    className: "md:w-full md:max-w-0",
    cell: (r) => (
      <Link href={`/approvals/${r.id}`} className="block truncate font-mono text-xs text-brand-700 hover:underline" title={r.sql}>
        {r.sql}
      </Link>
    ),
  },
  {
    key: "requester",
    header: "Requester",
    cell: (r) => (
      <div className="space-y-1">
        <div className="truncate md:max-w-56">
          <RequesterIdentity subject={r.requester} mintedBy={r.requesterMintedBy} />
        </div>
        <div className="flex items-center gap-1.5 whitespace-nowrap">
          <ActorBadge kind={r.actorKind} />
          {r.agentName && (
            <span className="truncate font-mono text-xs text-slate-700 md:max-w-40" title={r.agentName}>
              {r.agentName}
            </span>
          )}
        </div>
      </div>
    ),
    sortValue: (r) => r.requester,
  },
  {
    key: "connection",
    header: "Connection",
    cell: (r) => (
      <div className="truncate md:max-w-36" title={r.connectionName}>
        {r.connectionName}
      </div>
    ),
    sortValue: (r) => r.connectionName,
  },
  { key: "status", header: "Status", className: "whitespace-nowrap", cell: (r) => <ApprovalStatusBadge status={r.status} />, sortValue: (r) => r.status },
  {
    key: "decidedBy",
    header: "Decided by",
    cell: (r) =>
      r.decidedBy ? (
        <div className="truncate md:max-w-40" title={r.decidedBy}>
          {r.decidedBy}
        </div>
      ) : (
        <span className="text-slate-400">—</span>
      ),
  },
  {
    key: "decidedAt",
    header: "When",
    className: "whitespace-nowrap",
    cell: (r) => <DateTime value={r.decidedAt ?? r.expiresAt} isRelative />,
    sortValue: (r) => Date.parse(r.decidedAt ?? r.expiresAt),
  },
  {
    key: "comment",
    header: "Comment",
    cell: (r) => (r.decisionComment ? <p className="break-words md:max-w-xs md:min-w-40">{r.decisionComment}</p> : <span className="text-slate-400">—</span>),
  },
];

/** Decided, timed-out and withdrawn requests: status, who, when, and the comment the client got. */
export function ApprovalsHistoryTable({ requests, isLoading }: { requests: ApprovalRequestDto[] | undefined; isLoading: boolean }) {
  return (
    <DataTable
      label="Decided requests"
      columns={COLUMNS}
      rows={requests}
      getRowKey={(r) => r.id}
      isLoading={isLoading}
      emptyState={<EmptyState title="No decisions yet" description="Approved, rejected and timed-out requests are listed here." />}
    />
  );
}
