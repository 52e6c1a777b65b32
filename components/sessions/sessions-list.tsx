"use client";

import clsx from "clsx";
import { useMemo } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { useSessions } from "@/lib/client/sessions";
import { SessionFilters, type ConnectionOption } from "./session-filters";
import { hasSessionFilters } from "./session-filters-url";
import { SessionsTable } from "./sessions-table";
import { useSessionFilters } from "./use-session-filters";

type SessionsListProps = { connections: ConnectionOption[]; canSeeAll: boolean };

/** Filters (kept in the URL), the sessions newest first, and "Load more" further back in time. */
export function SessionsList({ connections, canSeeAll }: SessionsListProps) {
  const { filters, setFilter, clearFilters } = useSessionFilters();
  const list = useSessions(filters);
  const sessions = useMemo(() => list.data?.pages.flatMap((p) => p.sessions), [list.data]);
  const isFiltered = hasSessionFilters(filters);

  return (
    <div className="space-y-5">
      <Card>
        <SessionFilters filters={filters} connections={connections} canFilterByUser={canSeeAll} onChange={setFilter} onClear={clearFilters} />
      </Card>

      {list.isError && (
        <Alert tone="danger" title="Could not load the sessions" actions={<Button size="sm" onClick={() => list.refetch()}>Retry</Button>}>
          {list.error.message}
        </Alert>
      )}

      {!(list.isError && !sessions) && (
        <Card isPadded={false} className={clsx(list.isPlaceholderData && "opacity-60 transition-opacity")}>
          <SessionsTable
            sessions={sessions}
            isLoading={list.isPending}
            emptyState={
              isFiltered ? (
                <EmptyState
                  title="No sessions match these filters"
                  description="Widen the time range or clear a filter."
                  action={
                    <Button size="sm" onClick={clearFilters}>
                      Clear filters
                    </Button>
                  }
                />
              ) : (
                <EmptyState
                  title="No sessions yet"
                  description={
                    canSeeAll
                      ? "Every connection through the gateway appears here, with each statement it ran."
                      : "Connect through the gateway with a token from the Connect page; your sessions appear here."
                  }
                />
              )
            }
          />
          {sessions && sessions.length > 0 && (
            <footer className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-500">
              <span aria-live="polite">
                {list.isPlaceholderData ? (
                  <Spinner label="Updating…" size="sm" />
                ) : (
                  `${sessions.length.toLocaleString()} ${sessions.length === 1 ? "session" : "sessions"}${list.hasNextPage ? "" : " · that is all"}`
                )}
              </span>
              {list.hasNextPage && (
                <Button onClick={() => list.fetchNextPage()} isLoading={list.isFetchingNextPage} disabled={list.isPlaceholderData}>
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
