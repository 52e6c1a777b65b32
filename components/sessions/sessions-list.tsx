"use client";

import { useMemo } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { FilteredPagedList } from "@/components/ui/filtered-paged-list";
import { useSessions } from "@/lib/client/sessions";
import { useUrlFilters } from "@/lib/client/use-url-filters";
import { sessionFilterFields } from "@/lib/shared/contracts/sessions";
import { SessionFilters, type ConnectionOption } from "./session-filters";
import { SessionsTable } from "./sessions-table";

type SessionsListProps = { connections: ConnectionOption[]; canSeeAll: boolean };

/** Filters (kept in the URL), the sessions newest first, and "Load more" further back in time. */
export function SessionsList({ connections, canSeeAll }: SessionsListProps) {
  const { filters, setFilter, clearFilters, isFiltered } = useUrlFilters(sessionFilterFields);
  const list = useSessions(filters);
  const sessions = useMemo(() => list.data?.pages.flatMap((p) => p.sessions), [list.data]);
  const emptyDescription = canSeeAll
    ? "Every connection through the gateway appears here, with each statement it ran."
    : "Connect through the gateway with a token from the Connect page; your sessions appear here.";

  return (
    <FilteredPagedList
      filters={<SessionFilters filters={filters} connections={connections} canFilterByUser={canSeeAll} isFiltered={isFiltered} onChange={setFilter} onClear={clearFilters} />}
      query={list}
      count={sessions?.length}
      noun={["session", "sessions"]}
      errorTitle="Could not load the sessions"
      isFiltered={isFiltered}
      onClearFilters={clearFilters}
      emptyState={<EmptyState title="No sessions yet" description={emptyDescription} />}
    >
      {(emptyState) => <SessionsTable sessions={sessions} isLoading={list.isPending} emptyState={emptyState} />}
    </FilteredPagedList>
  );
}
