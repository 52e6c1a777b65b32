"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { AuditFilters } from "@/lib/client/audit";
import { readAuditFilters, writeAuditFilters } from "./audit-filters-url";

/** The audit filters live in the query string, so a filtered view can be bookmarked, shared and reloaded. */
export function useAuditFilters() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => readAuditFilters(new URLSearchParams(searchParams.toString())), [searchParams]);

  const replaceFilters = useCallback(
    (next: AuditFilters) => {
      const qs = writeAuditFilters(next);
      // replace, not push: typing a filter should not leave a history entry per keystroke.
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  const setFilter = useCallback(
    (key: keyof AuditFilters, value: string | undefined) => {
      // Read the address at call time: two filters committed in quick succession must not undo each other.
      replaceFilters({ ...readAuditFilters(new URLSearchParams(window.location.search)), [key]: value });
    },
    [replaceFilters],
  );

  const clearFilters = useCallback(() => replaceFilters({}), [replaceFilters]);

  return { filters, setFilter, clearFilters };
}
