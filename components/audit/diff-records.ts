export type DiffChange = "added" | "removed" | "changed" | "unchanged";
export type DiffRow = { key: string; before: unknown; after: unknown; change: DiffChange };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deep equality for JSON values, independent of key order. */
export function isSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => isSameJson(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && isSameJson(a[k], b[k]));
  }
  return false;
}

/**
 * Field-by-field comparison of an audit event's before and after snapshots. A missing side (a create or a
 * delete) counts as empty. Returns null when either side is not an object, so the caller shows raw JSON.
 */
export function diffRecords(before: unknown, after: unknown): DiffRow[] | null {
  const b = before ?? {};
  const a = after ?? {};
  if (!isRecord(b) || !isRecord(a)) return null;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.map((key) => {
    const inBefore = key in b;
    const inAfter = key in a;
    const change: DiffChange = !inBefore ? "added" : !inAfter ? "removed" : isSameJson(b[key], a[key]) ? "unchanged" : "changed";
    return { key, before: b[key], after: a[key], change };
  });
}
