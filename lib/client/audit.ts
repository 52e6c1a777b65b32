import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { AuditPageDto } from "@/lib/shared/contracts/audit";
import { apiFetch } from "./api";

/** The filters the audit log page offers; `from` and `to` are ISO timestamps. */
export type AuditFilters = {
  actor?: string;
  action?: string;
  targetType?: string;
  q?: string;
  from?: string;
  to?: string;
};

export const auditKeys = {
  all: ["audit"] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, "list", filters] as const,
};

export const AUDIT_PAGE_SIZE = 50;

function auditSearch(filters: AuditFilters, before: number | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  params.set("sort", "newest");
  params.set("limit", String(AUDIT_PAGE_SIZE));
  if (before !== undefined) params.set("before", String(before));
  return params.toString();
}

/** Newest first, keyset-paged: each further page asks for events before the last sequence number seen. */
export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam }) => apiFetch<AuditPageDto>(`/api/audit?${auditSearch(filters, pageParam)}`),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While a new filter loads, keep showing the previous rows rather than flashing an empty table.
    placeholderData: keepPreviousData,
  });
}
