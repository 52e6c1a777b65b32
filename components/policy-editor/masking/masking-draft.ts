import { DETECTOR_SEMANTIC_TYPES } from "@/lib/policy/default-policy";
import { BUILT_IN_SEMANTIC_TYPES, isBuiltInSemanticType } from "@/lib/policy/masking";
import type { Detector, MaskingMethod, MaskingPolicy } from "@/lib/policy/policy-document";

/**
 * Edits of the draft's masking section, as the masking tab makes them: each returns a new section and
 * leaves the one it was given alone. Pure, so the rules about what an edit does are tested here.
 */

type ColumnRule = MaskingPolicy["columnRules"][number];

/** The rule for `schema.table.column`: exactly as written first, then ignoring case (as the gateway matches). */
export function findColumnRule(masking: Pick<MaskingPolicy, "columnRules">, column: string): ColumnRule | undefined {
  return masking.columnRules.find((r) => r.column === column) ?? masking.columnRules.find((r) => r.column.toLowerCase() === column.toLowerCase());
}

/**
 * Gives a column a semantic type, or removes its rule (`semanticType` null). A rule the column already
 * has keeps its place in the list; every other rule for the same column (any case) goes, so the
 * document never holds two rules for one column.
 */
export function setColumnRule(masking: MaskingPolicy, column: string, semanticType: string | null): MaskingPolicy {
  const folded = column.toLowerCase();
  const at = masking.columnRules.findIndex((r) => r.column.toLowerCase() === folded);
  const others = masking.columnRules.filter((r) => r.column.toLowerCase() !== folded);
  if (semanticType === null) return { ...masking, columnRules: others };
  const rule = { column, semanticType };
  const columnRules = at < 0 ? [...others, rule] : [...others.slice(0, at), rule, ...others.slice(at)];
  return { ...masking, columnRules };
}

/**
 * The column whose rule an edit added, removed or retyped (as the newer list spells it), for the
 * preview to bring into view; null when no column rule changed, or several did.
 */
export function findChangedColumn(before: Pick<MaskingPolicy, "columnRules">, after: Pick<MaskingPolicy, "columnRules">): string | null {
  const typeOf = (rules: readonly ColumnRule[]) => new Map(rules.map((r) => [r.column.toLowerCase(), r]));
  const was = typeOf(before.columnRules);
  const now = typeOf(after.columnRules);
  const changed = [...new Set([...was.keys(), ...now.keys()])].filter((key) => was.get(key)?.semanticType !== now.get(key)?.semanticType);
  if (changed.length !== 1) return null;
  const key = changed[0]!;
  return (now.get(key) ?? was.get(key))!.column;
}

/** Where a semantic type is used: column rules, name patterns and detectors that name it. */
export function semanticTypeUses(masking: MaskingPolicy, id: string): number {
  return [...masking.columnRules, ...masking.namePatterns, ...masking.detectors].filter((r) => r.semanticType === id).length;
}

const sameMethod = (a: MaskingMethod, b: MaskingMethod) =>
  a.algorithm === b.algorithm && a.replacement === b.replacement && a.keepFirst === b.keepFirst && a.keepLast === b.keepLast;

type SemanticTypeChange = { label?: string; method?: MaskingMethod; transformedMethod?: MaskingMethod | null };

/**
 * Changes a type's label, method or mask for transformed values (`transformedMethod`, null: back to
 * the default, full). A built-in type is changed by declaring it in the policy; a declaration that
 * says what the built-in says anyway is dropped, so the document stays short.
 */
export function updateSemanticType(masking: MaskingPolicy, id: string, change: SemanticTypeChange): MaskingPolicy {
  const declared = masking.semanticTypes.find((t) => t.id === id);
  const builtIn = isBuiltInSemanticType(id) ? BUILT_IN_SEMANTIC_TYPES[id] : undefined;
  const base: DeclaredType | undefined = declared ?? (builtIn ? { id, label: builtIn.label, method: builtIn.method } : undefined);
  if (!base) return masking;
  const transformedMethod = change.transformedMethod === undefined ? base.transformedMethod : (change.transformedMethod ?? undefined);
  const next: DeclaredType = { id, label: change.label ?? base.label, method: change.method ?? base.method, ...(transformedMethod ? { transformedMethod } : {}) };
  if (builtIn && next.label === builtIn.label && sameMethod(next.method, builtIn.method) && !next.transformedMethod) return resetSemanticType(masking, id);
  const semanticTypes = declared ? masking.semanticTypes.map((t) => (t.id === id ? next : t)) : [...masking.semanticTypes, next];
  return { ...masking, semanticTypes };
}

type DeclaredType = MaskingPolicy["semanticTypes"][number];

/** Changes the policy's lineage options (masking.lineage); the section is always there once parsed. */
export function updateLineageOptions(masking: MaskingPolicy, change: Partial<MaskingPolicy["lineage"]>): MaskingPolicy {
  return { ...masking, lineage: { ...masking.lineage, ...change } };
}

/** Drops the policy's declaration of a type: a built-in goes back to its defaults, a custom type goes. */
export function resetSemanticType(masking: MaskingPolicy, id: string): MaskingPolicy {
  return { ...masking, semanticTypes: masking.semanticTypes.filter((t) => t.id !== id) };
}

export function addSemanticType(masking: MaskingPolicy, type: { id: string; label: string; method: MaskingMethod }): MaskingPolicy {
  return { ...masking, semanticTypes: [...masking.semanticTypes, type] };
}

/** "Loyalty card no." -> "loyalty_card_no", unique among `taken` (the policy's own and the built-ins). */
export function suggestTypeId(label: string, taken: readonly string[]): string {
  const slug =
    label
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^[^a-z]+/, "")
      .replace(/_+$/, "")
      .slice(0, 36) || "custom";
  const used = new Set(taken);
  if (!used.has(slug)) return slug;
  for (let n = 2; ; n++) if (!used.has(`${slug}_${n}`)) return `${slug}_${n}`;
}

/** A detector as the editor shows it: on or off and its type, whether or not the policy lists it yet. */
export function detectorSetting(masking: MaskingPolicy, detector: Detector): { isEnabled: boolean; semanticType: string } {
  const listed = masking.detectors.find((d) => d.detector === detector);
  return listed ?? { isEnabled: false, semanticType: DETECTOR_SEMANTIC_TYPES[detector] };
}

/** Turns a detector on or off or changes its type; a detector the policy did not list is added at the end. */
export function updateDetector(masking: MaskingPolicy, detector: Detector, change: { isEnabled?: boolean; semanticType?: string }): MaskingPolicy {
  const current = detectorSetting(masking, detector);
  const next = { detector, isEnabled: change.isEnabled ?? current.isEnabled, semanticType: change.semanticType ?? current.semanticType };
  const isListed = masking.detectors.some((d) => d.detector === detector);
  return { ...masking, detectors: isListed ? masking.detectors.map((d) => (d.detector === detector ? next : d)) : [...masking.detectors, next] };
}

/** Whether an exemption no longer applies (an expiry that does not parse counts as expired, as in the gateway). */
export function isExemptionExpired(expiresAt: string | null, now: number): boolean {
  if (expiresAt === null) return false;
  const at = Date.parse(expiresAt);
  return !Number.isFinite(at) || at <= now;
}
