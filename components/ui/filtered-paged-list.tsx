"use client";

import clsx from "clsx";
import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { Card } from "./card";
import { EmptyState } from "./empty-state";
import { Spinner } from "./spinner";

/** What the list needs of its keyset-paged query (lib/client/use-keyset-pages.ts). */
type PagedQuery = {
  isError: boolean;
  error: Error | null;
  refetch: () => unknown;
  isPlaceholderData: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
};

type FilteredPagedListProps = {
  /** The filter form. */
  filters: ReactNode;
  query: PagedQuery;
  /** Rows loaded so far; undefined until the first page arrives. */
  count: number | undefined;
  /** What a row is, singular and plural. */
  noun: readonly [one: string, many: string];
  errorTitle: string;
  isFiltered: boolean;
  onClearFilters: () => void;
  /** What an empty list says when no filter is set (with filters set, it offers to clear them). */
  emptyState: ReactNode;
  /** The table, given the empty state to show. */
  children: (emptyState: ReactNode) => ReactNode;
};

/** Filters, the rows newest first, and "Load more" further back in time. */
export function FilteredPagedList({ filters, query, count, noun, errorTitle, isFiltered, onClearFilters, emptyState, children }: FilteredPagedListProps) {
  return (
    <div className="space-y-5">
      <Card>{filters}</Card>

      {query.isError && (
        <Alert tone="danger" title={errorTitle} actions={<Button size="sm" onClick={() => query.refetch()}>Retry</Button>}>
          {query.error?.message}
        </Alert>
      )}

      {!(query.isError && count === undefined) && (
        <Card isPadded={false} className={clsx(query.isPlaceholderData && "opacity-60 transition-opacity")}>
          {children(isFiltered ? <NoMatchesState noun={noun[1]} onClear={onClearFilters} /> : emptyState)}
          {count !== undefined && count > 0 && (
            <footer className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 text-sm text-slate-500">
              <span aria-live="polite">
                {query.isPlaceholderData ? (
                  <Spinner label="Updating…" size="sm" />
                ) : (
                  `${count.toLocaleString()} ${count === 1 ? noun[0] : noun[1]}${query.hasNextPage ? "" : " · that is all"}`
                )}
              </span>
              {query.hasNextPage && (
                <Button onClick={() => query.fetchNextPage()} isLoading={query.isFetchingNextPage} disabled={query.isPlaceholderData}>
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

/** The empty state when filters hide every row. */
function NoMatchesState({ noun, onClear }: { noun: string; onClear: () => void }) {
  return (
    <EmptyState
      title={`No ${noun} match these filters`}
      description="Widen the time range or clear a filter."
      action={
        <Button size="sm" onClick={onClear}>
          Clear filters
        </Button>
      }
    />
  );
}
