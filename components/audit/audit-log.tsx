"use client";

import { useMemo } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { FilteredPagedList } from "@/components/ui/filtered-paged-list";
import { useAuditEvents } from "@/lib/client/audit";
import { useUrlFilters } from "@/lib/client/use-url-filters";
import { auditFilterFields } from "@/lib/shared/contracts/audit";
import { AuditEventsTable } from "./audit-events-table";
import { AuditExportLinks } from "./audit-export-links";
import { AuditFilters } from "./audit-filters";

/** Filters (kept in the URL), the events newest first, and "Load more" further back in time. */
export function AuditLog() {
  const { filters, setFilter, clearFilters, isFiltered } = useUrlFilters(auditFilterFields);
  const log = useAuditEvents(filters);
  const events = useMemo(() => log.data?.pages.flatMap((p) => p.events), [log.data]);
  const actions = log.data?.pages[0]?.actions ?? [];
  const targetTypes = useMemo(() => [...new Set(events?.map((e) => e.targetType))].sort(), [events]);

  return (
    <FilteredPagedList
      filters={
        <div className="space-y-4">
          <AuditFilters filters={filters} actions={actions} targetTypes={targetTypes} isFiltered={isFiltered} onChange={setFilter} onClear={clearFilters} />
          <AuditExportLinks filters={filters} />
        </div>
      }
      query={log}
      count={events?.length}
      noun={["event", "events"]}
      errorTitle="Could not load the audit log"
      isFiltered={isFiltered}
      onClearFilters={clearFilters}
      emptyState={<EmptyState title="No events yet" description="Console changes, sessions, statements and approvals appear here as they happen." />}
    >
      {(emptyState) => <AuditEventsTable events={events} isLoading={log.isPending} emptyState={emptyState} />}
    </FilteredPagedList>
  );
}
