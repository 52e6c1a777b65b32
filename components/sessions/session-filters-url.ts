import { SESSION_FILTER_KEYS, sessionFilterFields, type SessionFilters } from "@/lib/shared/contracts/sessions";

/**
 * The session filters in a query string. Each value is checked with the contract's own rule, so a
 * hand-edited or stale link drops the bad value instead of turning the page into an error.
 */
export function readSessionFilters(params: URLSearchParams): SessionFilters {
  const filters: Record<string, string> = {};
  for (const key of SESSION_FILTER_KEYS) {
    const raw = params.get(key)?.trim();
    if (!raw) continue;
    const parsed = sessionFilterFields[key].safeParse(raw);
    if (parsed.success) filters[key] = parsed.data;
  }
  return filters as SessionFilters;
}

/** The query string for `filters`, in a stable order, without empty values. */
export function writeSessionFilters(filters: SessionFilters): string {
  const params = new URLSearchParams();
  for (const key of SESSION_FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  return params.toString();
}

export function hasSessionFilters(filters: SessionFilters): boolean {
  return SESSION_FILTER_KEYS.some((key) => Boolean(filters[key]));
}
