"use client";

import { useMemo } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { FilteredPagedList } from "@/components/ui/filtered-paged-list";
import { useStatementSearch } from "@/lib/client/statement-search";
import type { SetFilter } from "@/lib/client/use-url-filters";
import type { StatementSearchFilters, statementSearchFields } from "@/lib/shared/contracts/statement-search";
import { StatementSearchFiltersForm } from "./statement-search-filters";
import { StatementSearchResults } from "./statement-search-results";

type StatementSearchProps = {
  filters: StatementSearchFilters & { q: string };
  canSeeAll: boolean;
  onChange: SetFilter<typeof statementSearchFields>;
};

/** The statements whose SQL contains the search text, with their filters and "Load more". */
export function StatementSearch({ filters, canSeeAll, onChange }: StatementSearchProps) {
  const search = useStatementSearch(filters);
  const matches = useMemo(() => search.data?.pages.flatMap((p) => p.matches), [search.data]);
  const clearNarrowing = () => {
    for (const key of ["decision", "kind", "agent", "user", "from", "to"] as const) onChange(key, undefined);
  };
  const isNarrowed = Boolean(filters.decision || filters.kind || filters.agent || filters.user || filters.from || filters.to);
  return (
    <FilteredPagedList
      filters={<StatementSearchFiltersForm filters={filters} canFilterByUser={canSeeAll} onChange={onChange} onClear={clearNarrowing} />}
      query={search}
      count={matches?.length}
      noun={["matching statement", "matching statements"]}
      errorTitle="Could not search the statements"
      isFiltered={isNarrowed}
      onClearFilters={clearNarrowing}
      emptyState={<EmptyState title="No statement contains this text" description={canSeeAll ? "Try another part of the statement, or a wider time range." : "Only your own sessions are searched."} />}
    >
      {(emptyState) => <StatementSearchResults matches={matches} query={filters.q} isLoading={search.isPending} emptyState={emptyState} />}
    </FilteredPagedList>
  );
}
