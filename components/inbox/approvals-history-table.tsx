"use client";

import Link from "next/link";
import { ActorBadge } from "@/components/sessions/actor-badge";
import { RequesterIdentity } from "@/components/sessions/requester-identity";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { DateTime } from "@/components/ui/date-time";
import type { ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { ApprovalStatusBadge } from "./approval-status-badge";

const COLUMNS: DataTableColumn<ApprovalRequestDto>[] = [
  {
    key: "sql",
    header: "Statement",
    cell: (r) => (
      <Link href={`/approvals/${r.id}`} className="block max-w-md truncate font-mono text-xs text-brand-700 hover:underline" title={r.sql}>
        {r.sql}
      </Link>
    ),
  },
  {
    key: "requester",
    header: "Requester",
    cell: (r) => (
      <div className="space-y-1">
        <div>
          <RequesterIdentity subject={r.requester} mintedBy={r.requesterMintedBy} />
        </div>
        <ActorBadge kind={r.actorKind} agentName={r.agentName} />
      </div>
    ),
    sortValue: (r) => r.requester,
  },
  { key: "connection", header: "Connection", cell: (r) => r.connectionName, sortValue: (r) => r.connectionName },
  { key: "status", header: "Status", cell: (r) => <ApprovalStatusBadge status={r.status} />, sortValue: (r) => r.status },
  { key: "decidedBy", header: "Decided by", cell: (r) => r.decidedBy ?? <span className="text-slate-400">—</span> },
  {
    key: "decidedAt",
    header: "When",
    cell: (r) => <DateTime value={r.decidedAt ?? r.expiresAt} isRelative />,
    sortValue: (r) => Date.parse(r.decidedAt ?? r.expiresAt),
  },
  { key: "comment", header: "Comment", cell: (r) => r.decisionComment ?? <span className="text-slate-400">—</span>, className: "max-w-xs break-words" },
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
