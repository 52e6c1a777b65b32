"use client";

import { usePathname, useRouter } from "next/navigation";
import { useMemo } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { FilteredPagedList } from "@/components/ui/filtered-paged-list";
import { useStatementSearch } from "@/lib/client/statement-search";
import type { SetFilter } from "@/lib/client/use-url-filters";
import { statementSearchFields, type StatementSearchFilters } from "@/lib/shared/contracts/statement-search";
import { writeFilters } from "@/lib/shared/url-filters";
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
  const router = useRouter();
  const pathname = usePathname();
  // One address change that keeps only the search text (several setFilter calls in a row would each read the old address).
  const clearNarrowing = () => router.replace(`${pathname}?${writeFilters(statementSearchFields, { q: filters.q })}`, { scroll: false });
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
