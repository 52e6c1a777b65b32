import type { z } from "zod";

/**
 * A list page's filters: one rule per query-string key, each value a string once set. The same rules
 * check the page's address and the API's query, so a filter means one thing in both.
 */
export type FilterFields = Record<string, z.ZodType<string>>;

/** The filters in effect: only the keys that are set. */
export type FilterValues<F extends FilterFields> = { [K in keyof F]?: z.output<F[K]> };

/**
 * The filters in a query string. Each value is checked with its own rule, so a hand-edited or stale
 * link drops the bad value instead of turning the whole page into an error.
 */
export function readFilters<F extends FilterFields>(fields: F, params: URLSearchParams): FilterValues<F> {
  const filters: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    const raw = params.get(key)?.trim();
    if (!raw) continue;
    const parsed = fields[key].safeParse(raw);
    if (parsed.success && parsed.data) filters[key] = parsed.data;
  }
  return filters as FilterValues<F>;
}

/** The query string for `filters`, in the order the fields are declared, without empty values. */
export function writeFilters<F extends FilterFields>(fields: F, filters: FilterValues<F>): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(fields)) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  return params.toString();
}

export function hasFilters<F extends FilterFields>(fields: F, filters: FilterValues<F>): boolean {
  return Object.keys(fields).some((key) => Boolean(filters[key]));
}
