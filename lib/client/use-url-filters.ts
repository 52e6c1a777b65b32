import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { hasFilters, readFilters, writeFilters, type FilterFields, type FilterValues } from "@/lib/shared/url-filters";

export type SetFilter<F extends FilterFields> = <K extends keyof F>(key: K, value: FilterValues<F>[K] | undefined) => void;

/**
 * A list page's filters, kept in the query string so a filtered view can be bookmarked, shared and
 * reloaded. `fields` is a module-level constant (its identity keys the memo).
 */
export function useUrlFilters<F extends FilterFields>(fields: F) {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => readFilters(fields, new URLSearchParams(searchParams.toString())), [fields, searchParams]);

  const replaceFilters = useCallback(
    (next: FilterValues<F>) => {
      const qs = writeFilters(fields, next);
      // replace, not push: typing a filter should not leave a history entry per keystroke.
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [fields, router, pathname],
  );

  const setFilter: SetFilter<F> = useCallback(
    (key, value) => {
      // Read the address at call time: two filters committed in quick succession must not undo each other.
      replaceFilters({ ...readFilters(fields, new URLSearchParams(window.location.search)), [key]: value });
    },
    [fields, replaceFilters],
  );

  const clearFilters = useCallback(() => replaceFilters({}), [replaceFilters]);

  return { filters, setFilter, clearFilters, isFiltered: hasFilters(fields, filters) };
}
