import type { AuditFilters, AuditPageDto } from "@/lib/shared/contracts/audit";
import { useKeysetPages } from "./use-keyset-pages";

export const auditKeys = {
  all: ["audit"] as const,
  list: (filters: AuditFilters) => [...auditKeys.all, "list", filters] as const,
};

export const AUDIT_PAGE_SIZE = 50;

/** Newest first, keyset-paged: each further page asks for events before the last sequence number seen. */
export function useAuditEvents(filters: AuditFilters) {
  return useKeysetPages<AuditPageDto>(auditKeys.list(filters), "/api/audit", { ...filters, sort: "newest", limit: String(AUDIT_PAGE_SIZE) }, "before");
}
