import type { ColumnLineage, LineageSource, OutputColumn, StatementLineage } from "@/lib/policy/lineage/lineage-types";

/**
 * Each column of a result as the server sent it, with its lineage: the statement's traced columns
 * (a `*` Warden could not count, `isRest`, stands for as many as the server sent in its place), and
 * the table column RowDescription names for it (`described`: PostgreSQL's own word that the value is
 * that column's). When the counts do not agree, or the statement could not be traced, lineage
 * cannot vouch for any column: each is undetermined, except those RowDescription names (fail closed).
 */
export function resultColumnLineage(lineage: StatementLineage, described: readonly (readonly LineageSource[])[]): ColumnLineage[] {
  const count = described.length;
  const traced = lineage.undetermined === null ? expandColumns(lineage.columns, count) : null;
  const reason =
    lineage.undetermined ??
    (lineage.columns === null ? "Warden traced no result columns for this statement" : `Warden traced ${lineage.columns.length} result columns, the server sent ${count}`);
  return described.map((sources, i) => {
    const own = traced?.[i]?.lineage ?? { kind: "undetermined" as const, reason, sources: [] };
    if (sources.length === 0) return own;
    switch (own.kind) {
      // Computed in the trace but named by the server: both, so the stronger (transformed) mask holds.
      case "derived":
        return own.exemptBy !== undefined ? own : { kind: "derived", sources: union(own.sources, sources) };
      default:
        return { kind: "direct", sources: union(own.sources, sources) };
    }
  });
}

/** The traced columns, with a rest entry repeated to fill `count`; null when they cannot be matched to it. */
export function expandColumns(columns: readonly OutputColumn[] | null, count: number): OutputColumn[] | null {
  if (columns === null) return null;
  const rest = columns.findIndex((c) => c.isRest);
  if (rest < 0) return columns.length === count ? [...columns] : null;
  const fixed = columns.length - 1;
  if (count < fixed) return null;
  return [...columns.slice(0, rest), ...Array.from({ length: count - fixed }, () => columns[rest]!), ...columns.slice(rest + 1)];
}

function union(a: readonly LineageSource[], b: readonly LineageSource[]): LineageSource[] {
  const out = [...a];
  const seen = new Set(a.map((s) => `${s.schema}.${s.table}.${s.column}`));
  for (const s of b) {
    const k = `${s.schema}.${s.table}.${s.column}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(s);
    }
  }
  return out;
}
