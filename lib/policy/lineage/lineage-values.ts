import type { ColumnLineage, CopyTarget, LineageSource } from "./lineage-types";

/**
 * The small algebra of column lineages the analyzer combines: a value computed from several others,
 * a value that is one of several others (set operations, COALESCE), and the explicit lists of
 * functions whose lineage is special (exempt aggregates, value-preserving ones, dynamic SQL).
 */

/**
 * Aggregates whose result cannot reveal a value of their argument: the count of rows or of
 * distinct values, and booleans over a predicate. Their result is derived with no sources;
 * `exemptBy` names the aggregate and `exempted` keeps what it hid. Also as window functions.
 */
export const EXEMPT_AGGREGATES = ["count", "bool_and", "bool_or", "every"] as const;

/** Functions whose result is one of their first argument's values (or, for lag/lead, the default; for mode/percentile_disc, the WITHIN GROUP value). */
export const VALUE_PRESERVING_FUNCTIONS = ["min", "max", "any_value", "first_value", "last_value", "nth_value", "lag", "lead", "mode", "percentile_disc"] as const;

/**
 * Builtins that run SQL given as a string (or read rows in another way the parse tree cannot show):
 * what they return cannot be traced, so their result is undetermined.
 */
export const DYNAMIC_SQL_FUNCTIONS = [
  "query_to_xml",
  "query_to_xml_and_xmlschema",
  "query_to_xmlschema",
  "cursor_to_xml",
  "cursor_to_xmlschema",
  "table_to_xml",
  "table_to_xml_and_xmlschema",
  "table_to_xmlschema",
  "schema_to_xml",
  "schema_to_xml_and_xmlschema",
  "schema_to_xmlschema",
  "database_to_xml",
  "database_to_xml_and_xmlschema",
  "database_to_xmlschema",
  "ts_stat",
  "ts_rewrite",
  // Raw server files (a table's own data files among them) and the WAL's row images.
  "pg_read_file",
  "pg_read_binary_file",
  "pg_logical_slot_get_changes",
  "pg_logical_slot_peek_changes",
  "pg_logical_slot_get_binary_changes",
  "pg_logical_slot_peek_binary_changes",
  // Values sampled by ANALYZE into an extended statistic's MCV list.
  "pg_mcv_list_items",
] as const;

/**
 * Builtins that return data stored outside any column: a large object's bytes, a setting. Writing
 * masked values there through Warden is a copy (STORING_FUNCTIONS, held by default), so what they
 * hold has no lineage: `untraced`, searched by the content detectors, as before lineage. (Masking
 * them in full would break every large-object client on a connection with column rules.)
 */
export const STORED_DATA_FUNCTIONS = ["lo_get", "loread", "current_setting"] as const;

/**
 * Types a cast to which keeps the value itself (a `direct` value stays direct), when written without
 * a length: `varchar(8)`, `char` (one character), `name` (63 bytes) and the one-byte `"char"` cut the
 * value, and the column's own method on a cut value can show characters it hides in the whole one
 * (keeping the last 4 of `card_number::varchar(8)` shows digits 5 to 8): such a cast is derived.
 */
export const TEXT_TYPES = ["text", "varchar", "bpchar", "citext"] as const;

/** System columns: never a stored user value. */
export const SYSTEM_COLUMNS = ["ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"] as const;

/** Catalog relations whose columns hold values sampled from tables by ANALYZE (most common values, histograms). */
export const SAMPLED_STATISTICS_COLUMNS: Record<string, readonly string[]> = {
  pg_statistic: ["stavalues1", "stavalues2", "stavalues3", "stavalues4", "stavalues5"],
  pg_stats: ["most_common_vals", "histogram_bounds", "most_common_elems"],
  pg_stats_ext: ["most_common_vals"],
  pg_stats_ext_exprs: ["most_common_vals", "histogram_bounds", "most_common_elems"],
  pg_statistic_ext_data: ["stxdmcv", "stxdexpr"],
};

export const CONSTANT: ColumnLineage = { kind: "derived", sources: [] };

export function sourceKey(s: LineageSource): string {
  return `${s.schema}.${s.table}.${s.column}`;
}

export function unionSources(lists: readonly (readonly LineageSource[])[]): LineageSource[] {
  const seen = new Set<string>();
  const out: LineageSource[] = [];
  for (const list of lists)
    for (const s of list) {
      const key = sourceKey(s);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
    }
  return out;
}

export function undetermined(reason: string, sources: readonly LineageSource[] = []): ColumnLineage {
  return { kind: "undetermined", reason, sources: [...sources] };
}

/** A value computed from all of `parts` (functions, operators, CASE, constructors): undetermined if any part is. */
export function deriveFrom(parts: readonly ColumnLineage[]): ColumnLineage {
  const sources = unionSources(parts.map((p) => p.sources));
  const unknown = parts.find((p) => p.kind === "undetermined");
  if (unknown && unknown.kind === "undetermined") return { kind: "undetermined", reason: unknown.reason, sources };
  return withUntraced({ kind: "derived", sources }, parts);
}

/** Keeps `untraced` (data stored outside any column, lo_get) on what is computed from it. */
function withUntraced(l: ColumnLineage, parts: readonly ColumnLineage[]): ColumnLineage {
  return l.kind === "derived" && parts.some((p) => p.kind === "derived" && p.untraced) ? { ...l, untraced: true } : l;
}

/**
 * A value that is one of `parts` (set operations column-wise, COALESCE/NULLIF/GREATEST/LEAST,
 * VALUES rows): undetermined if any part is; derived if any part is derived from sources; direct if
 * some part is direct and the others are constants.
 */
export function chooseFrom(parts: readonly ColumnLineage[]): ColumnLineage {
  const sources = unionSources(parts.map((p) => p.sources));
  const unknown = parts.find((p) => p.kind === "undetermined");
  if (unknown && unknown.kind === "undetermined") return { kind: "undetermined", reason: unknown.reason, sources };
  if (parts.some((p) => p.kind === "derived" && (p.sources.length > 0 || p.untraced))) return withUntraced({ kind: "derived", sources }, parts);
  if (parts.some((p) => p.kind === "direct")) return { kind: "direct", sources };
  return { kind: "derived", sources: [] };
}

/** Lineage as a stable string, to tell when a recursive CTE's columns stop changing. */
export function lineageKey(l: ColumnLineage): string {
  const reason = l.kind === "undetermined" ? l.reason : l.kind === "derived" && l.untraced ? "untraced" : "";
  return `${l.kind}|${reason}|${l.sources.map(sourceKey).sort().join(",")}`;
}

/**
 * Builtins that store a value where a later statement reads it back untraced: the value written is
 * a copy (argument `arg`, 0-based) into `target`: a NOTIFY payload goes to the clients listening,
 * a setting to the session's settings (current_setting), bytes to a large object.
 */
export const STORING_FUNCTIONS: Record<string, { arg: number; target: CopyTarget }> = {
  pg_notify: { arg: 1, target: { kind: "client" } },
  set_config: { arg: 1, target: { kind: "column", schema: "pg_catalog", table: "pg_settings", column: "setting", isTemporary: true } },
  lo_from_bytea: { arg: 1, target: { kind: "column", schema: "pg_catalog", table: "pg_largeobject", column: "data", isTemporary: false } },
  lo_put: { arg: 2, target: { kind: "column", schema: "pg_catalog", table: "pg_largeobject", column: "data", isTemporary: false } },
  lowrite: { arg: 1, target: { kind: "column", schema: "pg_catalog", table: "pg_largeobject", column: "data", isTemporary: false } },
};

/**
 * The operator names PostgreSQL's own catalog defines (pg_catalog.pg_operator). Any other operator
 * is a user's, calling a function that may read any table: its result is undetermined. (A user's
 * overload of one of these names, for their own types, is not told apart.)
 */
export const BUILTIN_OPERATORS: readonly string[] = [
  "!!", "!~", "!~*", "!~~", "!~~*", "#", "##", "#-", "#>", "#>>", "%", "&", "&&", "&<", "&<|", "&>", "*",
  "*<", "*<=", "*<>", "*=", "*>", "*>=", "+", "-", "->", "->>", "-|-", "/", "<", "<->", "<<", "<<=", "<<|",
  "<=", "<>", "<@", "<^", "=", ">", ">=", ">>", ">>=", ">^", "?", "?#", "?&", "?-", "?-|", "?|", "?||", "@",
  "@-@", "@>", "@?", "@@", "@@@", "^", "^@", "|", "|&>", "|/", "|>>", "||", "||/", "~", "~*", "~<=~", "~<~",
  "~=", "~>=~", "~>~", "~~", "~~*",
];
