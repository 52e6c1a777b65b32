export type SortDirection = "asc" | "desc";
export type SortValue = string | number | null | undefined;

// Numeric collation so "db10" sorts after "db9", and case-insensitive so "Orders" sits next to "orders".
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Sorts a copy of `rows`; empty values always go last, whichever the direction. */
export function sortRows<T>(rows: readonly T[], valueOf: (row: T) => SortValue, direction: SortDirection): T[] {
  const sign = direction === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    const aEmpty = va === null || va === undefined || va === "";
    const bEmpty = vb === null || vb === undefined || vb === "";
    if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
    if (typeof va === "number" && typeof vb === "number") return (va - vb) * sign;
    return collator.compare(String(va), String(vb)) * sign;
  });
}
