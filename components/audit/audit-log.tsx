"use client";

import clsx from "clsx";
import { useMemo } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { useAuditEvents } from "@/lib/client/audit";
import { AuditEventsTable } from "./audit-events-table";
import { AuditFilters } from "./audit-filters";
import { hasAuditFilters } from "./audit-filters-url";
import { useAuditFilters } from "./use-audit-filters";

/** Filters (kept in the URL), the events newest first, and "Load more" further back in time. */
export function AuditLog() {
  const { filters, setFilter, clearFilters } = useAuditFilters();
  const log = useAuditEvents(filters);
  const events = useMemo(() => log.data?.pages.flatMap((p) => p.events), [log.data]);
  const actions = log.data?.pages[0]?.actions ?? [];
  const targetTypes = useMemo(() => [...new Set(events?.map((e) => e.targetType))].sort(), [events]);
  const isFiltered = hasAuditFilters(filters);

  return (
    <div className="space-y-5">
      <Card>
        <AuditFilters filters={filters} actions={actions} targetTypes={targetTypes} onChange={setFilter} onClear={clearFilters} />
      </Card>

      {log.isError && (
        <Alert tone="danger" title="Could not load the audit log" actions={<Button size="sm" onClick={() => log.refetch()}>Retry</Button>}>
          {log.error.message}
        </Alert>
      )}

      {!(log.isError && !events) && (
        <Card isPadded={false} className={clsx(log.isPlaceholderData && "opacity-60 transition-opacity")}>
          <AuditEventsTable
            events={events}
            isLoading={log.isPending}
            emptyState={
              isFiltered ? (
                <EmptyState
                  title="No events match these filters"
                  description="Widen the time range or clear a filter."
                  action={
                    <Button size="sm" onClick={clearFilters}>
                      Clear filters
                    </Button>
                  }
                />
              ) : (
                <EmptyState title="No events yet" description="Console changes, sessions, statements and approvals appear here as they happen." />
              )
            }
          />
          {events && events.length > 0 && (
            <footer className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-500">
              <span aria-live="polite">
                {log.isPlaceholderData ? (
                  <Spinner label="Updating…" size="sm" />
                ) : (
                  `${events.length.toLocaleString()} ${events.length === 1 ? "event" : "events"}${log.hasNextPage ? "" : " · that is all"}`
                )}
              </span>
              {log.hasNextPage && (
                <Button onClick={() => log.fetchNextPage()} isLoading={log.isFetchingNextPage} disabled={log.isPlaceholderData}>
                  Load more
                </Button>
              )}
            </footer>
          )}
        </Card>
      )}
    </div>
  );
}
