import type { PolicyDiffEntry } from "@/lib/policy/diff-policy-documents";
import { DEFAULT_FULL_REPLACEMENT, isBuiltInSemanticType, resolveSemanticType } from "@/lib/policy/masking";
import type { MaskingAlgorithm, MaskingMethod, MaskingPolicy } from "@/lib/policy/policy-document";

/**
 * Masking changes in the History as sentences ("Masked customers.email as email address (partial)",
 * "Turned the card-number detector off") rather than paths and JSON. The two documents name the
 * semantic types as each version defined them. Pure.
 */

export type MaskingDocs = { before: { masking: MaskingPolicy }; after: { masking: MaskingPolicy } };

const ALGORITHM_WORDS: Readonly<Record<MaskingAlgorithm, string>> = {
  full: "full",
  partial: "partial",
  inner: "inner",
  outer: "outer",
  hash: "keyed hash",
  null: "null",
};

/** A method in a few words: "partial, keeps the last 4", "full, as “[address]”". */
export function describeMethod(method: MaskingMethod): string {
  const word = ALGORITHM_WORDS[method.algorithm];
  if (method.algorithm === "full") return `${word}, as “${method.replacement ?? DEFAULT_FULL_REPLACEMENT}”`;
  if (method.algorithm === "partial" || method.algorithm === "inner" || method.algorithm === "outer") {
    const kept = [method.keepFirst ? `first ${method.keepFirst}` : null, method.keepLast ? `last ${method.keepLast}` : null].filter(Boolean);
    const verb = method.algorithm === "outer" ? "masks the" : "keeps the";
    return kept.length ? `${word}, ${verb} ${kept.join(" and ")}` : word;
  }
  return word;
}

const lowerFirst = (label: string) => (/^.[A-Z]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1));

/** "email address" for a known type (as the version labels it), else its id. */
function typeName(id: unknown, masking: MaskingPolicy | undefined): string {
  if (typeof id !== "string") return "an unknown type";
  const type = masking ? resolveSemanticType(id, masking) : null;
  return type ? lowerFirst(type.label) : id;
}

/** "email address (partial)": the type and, in brackets, the algorithm it masks with in that version. */
function typeWithMethod(id: unknown, masking: MaskingPolicy | undefined): string {
  const type = typeof id === "string" && masking ? resolveSemanticType(id, masking) : null;
  return type ? `${lowerFirst(type.label)} (${ALGORITHM_WORDS[type.method.algorithm]})` : typeName(id, masking);
}

/** Tables in `public` are named without it, as people say them. */
const columnName = (column: string) => column.replace(/^public\./i, "");
const detectorName = (detector: string) => `the ${detector.replace(/_/g, "-")} detector`;
const prop = <T>(value: unknown, key: string): T | undefined => (typeof value === "object" && value !== null ? ((value as Record<string, unknown>)[key] as T) : undefined);
const until = (expiresAt: unknown) => (typeof expiresAt === "string" ? `until ${expiresAt}` : "with no end date");

/**
 * The sentence for one change inside masking's lists; null for a change it has no sentence for
 * (the caller then shows the path and values).
 */
export function describeMaskingChange(entry: PolicyDiffEntry, field: string | null, docs?: MaskingDocs): string | null {
  if (entry.path.startsWith("masking.lineage")) return describeLineageChange(entry);
  if (!entry.item) return null;
  const listPath = entry.path.slice(0, entry.path.indexOf(`[${entry.item.key}]`));
  const key = entry.item.key;
  const before = docs?.before.masking;
  const after = docs?.after.masking;
  const { change } = entry;
  const whole = field === null;

  switch (listPath) {
    case "masking.columnRules": {
      const column = columnName(key);
      if (change === "moved") return `Moved the rule for ${column} (the order of column rules does not change what they mask)`;
      if (whole && change === "added") return `Masked ${column} as ${typeWithMethod(prop(entry.after, "semanticType"), after)}`;
      if (whole && change === "removed") return `Stopped masking ${column} (it was masked as ${typeName(prop(entry.before, "semanticType"), before)})`;
      if (field === "semanticType") return `Masked ${column} as ${typeWithMethod(entry.after, after)} instead of ${typeName(entry.before, before)}`;
      return null;
    }
    case "masking.namePatterns": {
      const columns = `columns named like ${key}`;
      if (change === "moved") return `Moved the pattern ${key} (a column matching several patterns takes the first)`;
      if (whole && change === "added") return `Masked ${columns} as ${typeWithMethod(prop(entry.after, "semanticType"), after)}`;
      if (whole && change === "removed") return `Stopped masking ${columns} (they were masked as ${typeName(prop(entry.before, "semanticType"), before)})`;
      if (field === "semanticType") return `Masked ${columns} as ${typeWithMethod(entry.after, after)} instead of ${typeName(entry.before, before)}`;
      return null;
    }
    case "masking.detectors": {
      const name = detectorName(key);
      if (change === "moved") return `Moved ${name} in the list (the order does not change what it finds)`;
      if (whole && change === "added") {
        return prop(entry.after, "isEnabled")
          ? `Turned ${name} on, masking what it finds as ${typeWithMethod(prop(entry.after, "semanticType"), after)}`
          : `Listed ${name}, off`;
      }
      if (whole && change === "removed") return `Removed ${name}${prop(entry.before, "isEnabled") ? ", which was on" : ""}`;
      if (field === "isEnabled") return `Turned ${name} ${entry.after ? "on" : "off"}`;
      if (field === "semanticType") return `${capitalize(name)} now masks what it finds as ${typeWithMethod(entry.after, after)} instead of ${typeName(entry.before, before)}`;
      return null;
    }
    case "masking.semanticTypes": {
      const label = entry.item.name;
      const builtIn = isBuiltInSemanticType(key);
      const afterType = after ? resolveSemanticType(key, after) : null;
      const beforeType = before ? resolveSemanticType(key, before) : null;
      if (change === "moved") return null;
      if (whole && change === "added") {
        const transformed = prop<MaskingMethod>(entry.after, "transformedMethod");
        const method = describeMethod(prop<MaskingMethod>(entry.after, "method") ?? { algorithm: "full" }) + (transformed ? `; values computed from it: ${describeMethod(transformed)}` : "");
        return builtIn ? `Changed how ${lowerFirst(label)} is masked: ${method}` : `Defined the semantic type ${label} (${key}), masked ${method}`;
      }
      if (whole && change === "removed") {
        return builtIn && afterType ? `${label} is masked the built-in way again: ${describeMethod(afterType.method)}` : `Removed the semantic type ${label} (${key})`;
      }
      if (field === "label") return `Renamed the semantic type ${String(entry.before)} to ${String(entry.after)}`;
      if (field?.startsWith("transformedMethod") && afterType && beforeType) {
        return `Changed how values computed from ${lowerFirst(afterType.label)} are masked: ${describeMethod(afterType.transformedMethod ?? { algorithm: "full" })} (was ${describeMethod(beforeType.transformedMethod ?? { algorithm: "full" })})`;
      }
      if (field?.startsWith("method") && afterType && beforeType) return `Changed how ${lowerFirst(afterType.label)} is masked: ${describeMethod(afterType.method)} (was ${describeMethod(beforeType.method)})`;
      return null;
    }
    case "masking.exemptions": {
      const group = `group ${key}`;
      if (change === "moved") return null;
      if (whole && change === "added") {
        const reason = prop<string>(entry.after, "reason");
        return `Exempted ${group} from masking ${until(prop(entry.after, "expiresAt"))}${reason ? `: “${reason}”` : ""}`;
      }
      if (whole && change === "removed") return `Ended the exemption of ${group} from masking`;
      if (field === "expiresAt") return `The exemption of ${group} now lasts ${until(entry.after)} (was ${until(entry.before)})`;
      if (field === "reason") return `The exemption of ${group} now gives the reason “${String(entry.after ?? "")}”`;
      return null;
    }
    default:
      return null;
  }
}

const LINEAGE_WORDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  undetermined: { mask: "masked in full", refuse: "refused" },
  copies: { hold: "held for a reviewer", block: "refused", allow: "allowed" },
  inference: { off: "not checked", hold: "held for a reviewer", block: "refused" },
};

/** masking.lineage's settings as sentences: "Writes that copy masked data are now allowed (were held for a reviewer)". */
function describeLineageChange(entry: PolicyDiffEntry): string | null {
  const setting = entry.path.slice("masking.lineage".length).replace(/^\./, "").split(/[.[]/)[0];
  const words = (value: unknown) => (typeof value === "string" ? (LINEAGE_WORDS[setting]?.[value] ?? value) : "the default");
  const list = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value.join(", ") : "none");
  switch (setting) {
    case "":
      return entry.change === "added" ? "Set the lineage options" : null;
    case "undetermined":
      return `Statements whose result columns Warden cannot trace are now ${words(entry.after)} (were ${words(entry.before)})`;
    case "copies":
      return `Writes that copy masked data elsewhere are now ${words(entry.after)} (were ${words(entry.before)})`;
    case "inference":
      return `Statements that filter, join, sort or group on a masked column are now ${words(entry.after)} (were ${words(entry.before)})`;
    case "inferenceActorKinds":
      return `The inference check now applies to ${list(entry.after)} (was ${list(entry.before)})`;
    case "reviewerGroups":
      return `Held copies and inference are now reviewed by ${list(entry.after)} (were ${list(entry.before)})`;
    case "timeoutSeconds":
      return `Held copies and inference now wait ${String(entry.after)} s for a reviewer (was ${String(entry.before)} s)`;
    default:
      return null;
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
