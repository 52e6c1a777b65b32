import { keepPreviousData, useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import { apiFetch } from "./api";

type KeysetPage = { nextCursor: string | number | null };
type CursorOf<Page extends KeysetPage> = NonNullable<Page["nextCursor"]>;

export type KeysetPagesOptions<Page> = {
  /** How often to refetch every loaded page, judged from them (e.g. while a listed session is open); false: never. */
  refetchIntervalFor?: (pages: Page[] | undefined) => number | false;
};

/**
 * A list fetched a page at a time ("Load more"): each further page passes the previous page's
 * `nextCursor` as `cursorParam` (keyset paging, stable while new rows arrive). `params` are the
 * filters and fixed options of the request; they belong in `queryKey` too.
 */
export function useKeysetPages<Page extends KeysetPage>(
  queryKey: QueryKey,
  path: string,
  params: Record<string, string | undefined>,
  cursorParam: string,
  { refetchIntervalFor }: KeysetPagesOptions<Page> = {},
) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
      if (pageParam !== undefined) search.set(cursorParam, String(pageParam));
      return apiFetch<Page>(`${path}?${search}`, { signal });
    },
    initialPageParam: undefined as CursorOf<Page> | undefined,
    getNextPageParam: (last: Page) => (last.nextCursor ?? undefined) as CursorOf<Page> | undefined,
    // While a new filter loads, keep showing the previous rows rather than flashing an empty table.
    placeholderData: keepPreviousData,
    refetchInterval: refetchIntervalFor ? (query) => refetchIntervalFor(query.state.data?.pages) : false,
  });
}
