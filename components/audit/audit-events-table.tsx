"use client";

import { useState, type ReactNode } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import type { AuditLogEventDto } from "@/lib/shared/contracts/audit";
import { AUDIT_COLUMN_COUNT, AuditEventRow } from "./audit-event-row";

type AuditEventsTableProps = { events: AuditLogEventDto[] | undefined; isLoading: boolean; emptyState: ReactNode };

/** Events newest first, in the server's order (keyset paging makes client-side re-sorting misleading). */
export function AuditEventsTable({ events, isLoading, emptyState }: AuditEventsTableProps) {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });
  const showSkeleton = isLoading && !events;
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-left text-sm" aria-busy={showSkeleton || undefined}>
        <caption className="sr-only">Audit events, newest first</caption>
        <thead>
          <tr className="border-b border-slate-200 bg-slate-50/80 text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <th scope="col" className="w-10 py-2.5 pl-3">
              <span className="sr-only">Expand</span>
            </th>
            <th scope="col" className="px-4 py-2.5">Time</th>
            <th scope="col" className="px-4 py-2.5">Actor</th>
            <th scope="col" className="px-4 py-2.5">Action</th>
            <th scope="col" className="px-4 py-2.5">Target</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {showSkeleton &&
            Array.from({ length: 8 }, (_, i) => (
              <tr key={i}>
                <td className="py-3 pl-3" />
                {Array.from({ length: AUDIT_COLUMN_COUNT - 1 }, (_, j) => (
                  <td key={j} className="px-4 py-3">
                    <Skeleton className={(i + j) % 2 ? "w-2/3" : "w-4/5"} />
                  </td>
                ))}
              </tr>
            ))}
          {events?.length === 0 && (
            <tr>
              <td colSpan={AUDIT_COLUMN_COUNT}>{emptyState}</td>
            </tr>
          )}
          {events?.map((event) => <AuditEventRow key={event.seq} event={event} isExpanded={expanded.has(event.seq)} onToggle={() => toggle(event.seq)} />)}
        </tbody>
      </table>
    </div>
  );
}
