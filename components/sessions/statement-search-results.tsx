"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { statementHref, type StatementMatchDto } from "@/lib/shared/contracts/statement-search";
import { ActorBadge } from "./actor-badge";
import { DecisionBadge } from "./decision-badge";
import { SqlExcerpt } from "./sql-excerpt";

function columnsFor(query: string): DataTableColumn<StatementMatchDto>[] {
  return [
    {
      key: "time",
      header: "Run at",
      cell: (m) => (
        <Link
          href={statementHref(m.sessionId, m.seq)}
          aria-label={`Open statement ${m.seq} of the session of ${m.userName} in the player`}
          className="rounded font-medium text-brand-700 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
        >
          <DateTime value={m.receivedAt} />
        </Link>
      ),
    },
    { key: "user", header: "User", cell: (m) => <span className="break-all text-slate-900">{m.userName}</span> },
    { key: "actor", header: "Actor", cell: (m) => <ActorBadge kind={m.actorKind} agentName={m.agentName} /> },
    { key: "connection", header: "Connection", cell: (m) => <span className="font-mono text-xs">{m.connectionName}</span> },
    { key: "decision", header: "Decision", cell: (m) => <DecisionBadge decision={m.decision} status={m.status} /> },
    {
      key: "sql",
      header: "Statement",
      className: "min-w-[16rem] max-w-xl",
      cell: (m) => (
        <div className="space-y-1">
          <SqlExcerpt excerpt={m.excerpt} query={query} isCutBefore={m.isCutBefore} isCutAfter={m.isCutAfter} />
          <span className="text-xs text-slate-500">
            {m.kind} · statement {m.seq.toLocaleString()}
          </span>
        </div>
      ),
    },
  ];
}

type StatementSearchResultsProps = { matches: StatementMatchDto[] | undefined; query: string; isLoading: boolean; emptyState: ReactNode };

/** Matching statements, newest first; each opens the player at that statement. */
export function StatementSearchResults({ matches, query, isLoading, emptyState }: StatementSearchResultsProps) {
  const router = useRouter();
  return (
    <DataTable
      label={`Statements containing “${query}”, newest first`}
      columns={columnsFor(query)}
      rows={matches}
      getRowKey={(m) => m.statementId}
      isLoading={isLoading}
      skeletonRowCount={6}
      emptyState={emptyState}
      onRowClick={(m) => router.push(statementHref(m.sessionId, m.seq))}
    />
  );
}
