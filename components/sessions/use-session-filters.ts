"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { SessionFilters } from "@/lib/shared/contracts/sessions";
import { readSessionFilters, writeSessionFilters } from "./session-filters-url";

/** The session filters live in the query string, so a filtered view can be bookmarked, shared and reloaded. */
export function useSessionFilters() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => readSessionFilters(new URLSearchParams(searchParams.toString())), [searchParams]);

  const replaceFilters = useCallback(
    (next: SessionFilters) => {
      const qs = writeSessionFilters(next);
      // replace, not push: typing a filter should not leave a history entry per keystroke.
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  const setFilter = useCallback(
    <K extends keyof SessionFilters>(key: K, value: SessionFilters[K] | undefined) => {
      // Read the address at call time: two filters committed in quick succession must not undo each other.
      replaceFilters({ ...readSessionFilters(new URLSearchParams(window.location.search)), [key]: value });
    },
    [replaceFilters],
  );

  const clearFilters = useCallback(() => replaceFilters({}), [replaceFilters]);

  return { filters, setFilter, clearFilters };
}
