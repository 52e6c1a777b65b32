import type { AuditFilters } from "@/lib/client/audit";
import { auditQuery } from "@/lib/shared/contracts/audit";

export const AUDIT_FILTER_KEYS = ["actor", "action", "targetType", "q", "from", "to"] as const satisfies readonly (keyof AuditFilters)[];

/**
 * The filters in a query string. Each value is checked with the contract's own rule, so a hand-edited
 * or stale link drops the bad value instead of turning the whole page into an error.
 */
export function readAuditFilters(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const raw = params.get(key)?.trim();
    if (!raw) continue;
    const parsed = auditQuery.shape[key].safeParse(raw);
    if (parsed.success && parsed.data) filters[key] = parsed.data;
  }
  return filters;
}

/** The query string for `filters`, in a stable order, without empty values. */
export function writeAuditFilters(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  return params.toString();
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return AUDIT_FILTER_KEYS.some((key) => Boolean(filters[key]));
}
