import type { ColumnLineage, LineageSource } from "../lineage/lineage-types";
import type { MaskingMethod } from "../policy-document";
import type { RuleMatch } from "./column-matching";
import { matchColumn, planColumn, type ColumnPlan, type CompiledMaskingPolicy } from "./column-plan";
import { DEFAULT_FULL_REPLACEMENT } from "./algorithms";
import { transformedMethodOf, transformedTypeOf, type SemanticTypeDefinition } from "./semantic-types";
import type { ValueClass } from "./value-classes";

/** A source column that a column rule, or a name pattern on its own name, masks. */
export type MaskedSource = { source: LineageSource; match: RuleMatch };

/** `public.customers.email`, as rules are written and the recording lists sources. */
export function qualifiedSource(s: LineageSource): string {
  return `${s.schema}.${s.table}.${s.column}`;
}

/**
 * The sources that are masked: a column rule on the source, or a name pattern matching the source
 * column's own name (not the result's: `select reverse(x) as email` is not computed from an email).
 */
export function findMaskedSources(m: CompiledMaskingPolicy, sources: readonly LineageSource[]): MaskedSource[] {
  const out: MaskedSource[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    const key = qualifiedSource(source);
    if (seen.has(key)) continue;
    seen.add(key);
    const match = m.matcher(source, source.column);
    if (match) out.push({ source, match });
  }
  return out;
}

/** How much of a value a method leaves: NULL nothing, a full mask its absence of shape, a hash equality; the rest some characters. */
const METHOD_STRENGTH: Readonly<Record<MaskingMethod["algorithm"], number>> = { null: 4, full: 3, hash: 2, partial: 1, inner: 1, outer: 1 };

/** The type whose transformed mask reveals least (null > full > hash > the others); the first on a tie. */
export function strongestTransformedType(types: readonly SemanticTypeDefinition[]): SemanticTypeDefinition {
  let best = types[0]!;
  const strength = (t: SemanticTypeDefinition) => METHOD_STRENGTH[transformedMethodOf(t).algorithm];
  for (const t of types.slice(1)) if (strength(t) > strength(best)) best = t;
  return best;
}

/**
 * What an undetermined column is masked with: a fixed substitute, whatever the types involved, since
 * nothing says what it holds. Its id names the reason in metrics; the recording lists no type.
 */
export const UNDETERMINED_TYPE: SemanticTypeDefinition = {
  id: "undetermined",
  label: "Undetermined",
  method: { algorithm: "full", replacement: DEFAULT_FULL_REPLACEMENT },
  transformedMethod: { algorithm: "full", replacement: DEFAULT_FULL_REPLACEMENT },
  format: "plain",
};

/**
 * One result column's plan from its lineage (lib/policy/lineage):
 * - `direct`: the sources' column rule or name pattern, as for a plain column (then the result
 *   name's pattern; then the detectors);
 * - `derived` from masked sources: the strongest of their types' transformed masks (`lineage`);
 *   exempt aggregates (`count(email)`) pass;
 * - `derived` from no column at all (constants, parameters, `untraced` data such as a large
 *   object's bytes or a setting): the result name's pattern or the detectors, as before lineage;
 * - `derived` from unmasked sources: the result name's pattern or the detectors, as before lineage;
 * - `undetermined`: from masked known sources as `derived`; otherwise masked in full
 *   (`undetermined`), whatever its type: a number or a boolean computed from an opaque value can
 *   spell that value out row by row (text format shows the substitute; binary, NULL). The
 *   policy's `undetermined: refuse` refuses such statements before they run (judgeLineage); one that
 *   runs all the same is still masked, never passed.
 * `cls`: the column's value class (lib/policy/masking/value-classes.ts).
 */
export function planLineageColumn(m: CompiledMaskingPolicy, lineage: ColumnLineage, resultName: string, cls: ValueClass): ColumnPlan {
  switch (lineage.kind) {
    case "direct":
      return planColumn(m, m.matchesColumns ? matchColumn(m, lineage.sources, resultName) : null, cls);
    case "derived": {
      if (lineage.exemptBy !== undefined) return { kind: "pass" };
      // No column feeds it (a constant, a parameter, a large object's bytes, a setting): nothing for
      // lineage to vouch for, so the name patterns and detectors are the net, as before lineage.
      if (lineage.sources.length === 0) return planColumn(m, m.matcher(null, resultName), cls);
      return planTransformed(m, lineage.sources, cls) ?? planColumn(m, m.matcher(null, resultName), cls);
    }
    case "undetermined": {
      const known = planTransformed(m, lineage.sources, cls);
      if (known) return known;
      // Every type, numbers and booleans too: ascii(substr(f(), i, 1)) spells a value out one row at a time.
      if (!m.matchesColumns) return planColumn(m, m.matcher(null, resultName), cls);
      return { kind: "rule", cls, type: UNDETERMINED_TYPE, match: { semanticType: UNDETERMINED_TYPE.id, matchedBy: "undetermined", rule: "", reason: lineage.reason } };
    }
  }
}

/** A `lineage` plan when any source is masked; null when none is. */
function planTransformed(m: CompiledMaskingPolicy, sources: readonly LineageSource[], cls: ValueClass): ColumnPlan | null {
  const masked = findMaskedSources(m, sources);
  if (masked.length === 0) return null;
  const ids = [...new Set(masked.map((s) => s.match.semanticType))];
  const types = ids.map((id) => {
    const type = m.types.get(id);
    if (!type) throw new Error(`Masking rule names unknown semantic type "${id}".`);
    return type;
  });
  const strongest = strongestTransformedType(types);
  return {
    kind: "rule",
    cls,
    type: transformedTypeOf(strongest),
    match: { semanticType: strongest.id, matchedBy: "lineage", rule: masked[0]!.match.rule, sources: masked.map((s) => qualifiedSource(s.source)), semanticTypes: ids },
  };
}
