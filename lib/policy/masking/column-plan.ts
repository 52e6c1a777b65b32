import type { Detector, MaskingPolicy } from "../policy-document";
import { createColumnMatcher, type ColumnMatch, type ColumnMatcher, type ColumnSource, type RuleMatch } from "./column-matching";
import { maskDetected, resolveEnabledDetectors, type EnabledDetector } from "./mask-detected";
import type { MaskingContext } from "./masking-context";
import { listSemanticTypes, maskValue, type SemanticTypeDefinition } from "./semantic-types";
import { isSearchedByDetectors, type ValueClass } from "./value-classes";

/**
 * A masking section prepared for planning result columns: the gateway compiles one per policy
 * version, the console's masking preview one per draft, so both plan and mask columns alike.
 */
export type CompiledMaskingPolicy = {
  masking: MaskingPolicy;
  matcher: ColumnMatcher;
  detectors: EnabledDetector[];
  /** Column rules or name patterns exist, so where a result column comes from matters. */
  matchesColumns: boolean;
  ctx: MaskingContext;
  /** Every semantic type the policy can use, by id; a rule naming another fails when the policy is compiled. */
  types: ReadonlyMap<string, SemanticTypeDefinition>;
};

/**
 * Throws on a semantic type the policy does not define (a validated document has none): the caller
 * then fails closed rather than leave a rule's column unmasked.
 */
export function compileMaskingPolicy(masking: MaskingPolicy, ctx: MaskingContext): CompiledMaskingPolicy {
  const types = new Map(listSemanticTypes(masking).map((t) => [t.id, t]));
  for (const r of [...masking.columnRules, ...masking.namePatterns]) {
    if (!types.has(r.semanticType)) throw new Error(`Masking rule names unknown semantic type "${r.semanticType}".`);
  }
  return {
    masking,
    matcher: createColumnMatcher(masking),
    detectors: resolveEnabledDetectors(masking),
    matchesColumns: masking.columnRules.length + masking.namePatterns.length > 0,
    ctx,
    types,
  };
}

/** Nothing in the policy can mask anything: results and messages pass untouched. */
export function masksNothing(m: CompiledMaskingPolicy): boolean {
  return !m.matchesColumns && m.detectors.length === 0;
}

/**
 * The rule for a result column: a column rule on any of its sources (the column itself, then the
 * partitioned table it belongs to, then the table columns a view column shows) before a name pattern,
 * so that an alias or a view never trades a column rule for a weaker pattern.
 */
export function matchColumn(m: CompiledMaskingPolicy, sources: readonly ColumnSource[], resultName: string): RuleMatch | null {
  let patternHit: RuleMatch | null = null;
  for (const s of sources) {
    const hit = m.matcher(s, resultName);
    if (hit?.matchedBy === "column_rule") return hit;
    patternHit ??= hit;
  }
  return patternHit ?? m.matcher(null, resultName);
}

/**
 * What masking does with one result column. A `rule` plan's `type` is the type as it applies to
 * this column: for a column computed from masked ones (`match.matchedBy` "lineage") its transformed
 * form (lib/policy/masking/lineage-plan.ts), so `maskValue(text, plan.type)` is always the right mask.
 */
export type ColumnPlan =
  | { kind: "pass" }
  | { kind: "rule"; cls: ValueClass; type: SemanticTypeDefinition; match: ColumnMatch }
  | { kind: "detect"; cls: ValueClass };

/** A column's rule, if it has one; otherwise the detectors, unless its type can hold no finding. */
export function planColumn(m: CompiledMaskingPolicy, match: ColumnMatch | null, cls: ValueClass): ColumnPlan {
  if (match) {
    const type = m.types.get(match.semanticType);
    if (!type) throw new Error(`Masking rule names unknown semantic type "${match.semanticType}".`);
    return { kind: "rule", cls, type, match };
  }
  if (m.detectors.length === 0 || !isSearchedByDetectors(cls)) return { kind: "pass" };
  return { kind: "detect", cls };
}

/** A value's text once masked (null for SQL NULL), and the detectors that found something in it. */
export type MaskedText = { text: string | null; fired: Detector[] };

/**
 * Masks one value's text as its column's plan says; null when the detectors find nothing, so the
 * value is left as it is. A JSON column must still hold JSON: a rule's masked text becomes a JSON
 * string, and so does a detector's result when a mask broke the document (a card stored as a number).
 */
export function maskColumnText(text: string, plan: Exclude<ColumnPlan, { kind: "pass" }>, m: CompiledMaskingPolicy): MaskedText | null {
  const isJson = plan.cls === "json" || plan.cls === "jsonb";
  if (plan.kind === "rule") {
    const masked = maskValue(text, plan.type, m.ctx);
    return { text: masked === null ? null : isJson ? JSON.stringify(masked) : masked, fired: [] };
  }
  const found = maskDetected(text, m.detectors, m.ctx);
  if (found.fired.length === 0) return null;
  return { text: found.text === null ? null : isJson ? keepJson(found.text) : found.text, fired: found.fired };
}

/** A mask inside a JSON number breaks the document: it is sent as a JSON string then. */
function keepJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}
