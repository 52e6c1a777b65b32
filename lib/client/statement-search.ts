import type { StatementSearchFilters, StatementSearchPageDto } from "@/lib/shared/contracts/statement-search";
import { useKeysetPages } from "./use-keyset-pages";

export const statementSearchKeys = {
  all: ["statement-search"] as const,
  list: (filters: StatementSearchFilters) => [...statementSearchKeys.all, filters] as const,
};

export const SEARCH_PAGE_SIZE = 50;

/** Statements whose SQL contains `filters.q`, newest first, keyset-paged ("Load more"). Nothing is asked until q is set. */
export function useStatementSearch(filters: StatementSearchFilters) {
  return useKeysetPages<StatementSearchPageDto>(statementSearchKeys.list(filters), "/api/statements", { ...filters, limit: String(SEARCH_PAGE_SIZE) }, "cursor");
}
