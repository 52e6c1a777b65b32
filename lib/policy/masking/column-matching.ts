import type { MaskingPolicy } from "../policy-document";
import { compileNameGlob } from "./name-glob";

/** Where a result column comes from (RowDescription's table OID and attribute number, resolved). */
export type ColumnSource = { schema: string; table: string; column: string };

/** A column rule or name pattern that matches a column. */
export type RuleMatch = {
  semanticType: string;
  matchedBy: "column_rule" | "name_pattern";
  /** The rule's `schema.table.column` or the pattern, for the recording and the console. */
  rule: string;
};

/**
 * Why a result column is masked as a whole: a rule or pattern (RuleMatch), or lineage
 * (lib/policy/masking/lineage-plan.ts): `lineage` when it is computed from masked columns
 * (`semanticType` is the strongest of theirs, `rule` the first masked source's rule, `sources` the
 * masked sources as `public.customers.email`, `semanticTypes` all of their types); `undetermined`
 * when Warden cannot tell where it comes from (`reason`; `semanticType` and `rule` are "").
 */
export type ColumnMatch =
  | RuleMatch
  | { semanticType: string; matchedBy: "lineage"; rule: string; sources: string[]; semanticTypes: string[] }
  | { semanticType: string; matchedBy: "undetermined"; rule: string; reason: string };

/** What the gateway asks once per result column; `source` is null for computed columns. */
export type ColumnMatcher = (source: ColumnSource | null, columnName: string) => RuleMatch | null;

/**
 * Prepares a policy's column rules and name patterns for matching result columns:
 * 1. a column rule on the source column, exactly as written; failing that, ignoring case, because
 *    an admin who writes `public.Customers.Email` means the column PostgreSQL folded to lowercase
 *    and masking more is the safe mistake;
 * 2. the first name pattern, in policy order, that matches the source column's name or the
 *    result's column name (an alias must not be a way around a pattern, and a computed column has
 *    only its name).
 * Exemptions are a separate question: see `isExempt`.
 */
export function createColumnMatcher(masking: Pick<MaskingPolicy, "columnRules" | "namePatterns">): ColumnMatcher {
  const exact = new Map<string, string>();
  const folded = new Map<string, { column: string; semanticType: string }>();
  for (const r of masking.columnRules) {
    // The first rule for a column wins, in both maps, so the order in the document decides.
    if (!exact.has(r.column)) exact.set(r.column, r.semanticType);
    const key = r.column.toLowerCase();
    if (!folded.has(key)) folded.set(key, r);
  }
  const patterns = masking.namePatterns.map((p) => ({ ...p, regex: compileNameGlob(p.pattern) }));

  return (source, columnName) => {
    if (source) {
      const qualified = `${source.schema}.${source.table}.${source.column}`;
      const exactType = exact.get(qualified);
      if (exactType !== undefined) return { semanticType: exactType, matchedBy: "column_rule", rule: qualified };
      const foldedRule = folded.get(qualified.toLowerCase());
      if (foldedRule) return { semanticType: foldedRule.semanticType, matchedBy: "column_rule", rule: foldedRule.column };
    }
    const names = source ? [source.column, columnName] : [columnName];
    const hit = patterns.find((p) => names.some((n) => p.regex.test(n)));
    return hit ? { semanticType: hit.semanticType, matchedBy: "name_pattern", rule: hit.pattern } : null;
  };
}

/** One-off form of `createColumnMatcher`, for callers that match a single column. */
export function findColumnSemanticType(
  masking: Pick<MaskingPolicy, "columnRules" | "namePatterns">,
  source: ColumnSource | null,
  columnName: string,
): RuleMatch | null {
  return createColumnMatcher(masking)(source, columnName);
}
