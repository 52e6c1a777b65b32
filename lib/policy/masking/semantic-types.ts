import { BUILT_IN_SEMANTIC_TYPE_IDS, type MaskingMethod, type MaskingPolicy } from "../policy-document";
import { applyMaskingMethod, DEFAULT_FULL_REPLACEMENT, type ValueFormat } from "./algorithms";
import type { MaskingContext } from "./masking-context";

/** A semantic type as masking uses it: the policy's fields plus how its values are laid out. */
export type SemanticTypeDefinition = {
  id: string;
  label: string;
  method: MaskingMethod;
  /**
   * How a value computed from this type's column is masked (`reverse(email)`): the policy's
   * `transformedMethod`, or else a full mask (see `defaultTransformedMethod`). `resolveSemanticType`
   * always fills it; absent (a definition built by hand): the default.
   */
  transformedMethod?: MaskingMethod;
  format: ValueFormat;
};

/** What a built-in type brings: its transformed mask follows from its method unless a policy sets one. */
type BuiltInSemanticType = Omit<SemanticTypeDefinition, "id" | "transformedMethod">;

/** The method for values computed from the type's column. */
export function transformedMethodOf(type: Pick<SemanticTypeDefinition, "method" | "transformedMethod">): MaskingMethod {
  return type.transformedMethod ?? defaultTransformedMethod(type.method);
}

export type BuiltInSemanticTypeId = (typeof BUILT_IN_SEMANTIC_TYPE_IDS)[number];

/**
 * The types every policy has without declaring them. A policy may declare a type with the same id
 * to change its label or method; the format stays, since it describes the data, not the policy.
 */
export const BUILT_IN_SEMANTIC_TYPES: Readonly<Record<BuiltInSemanticTypeId, BuiltInSemanticType>> = {
  card_number: { label: "Card number", method: { algorithm: "partial", keepLast: 4 }, format: "grouped" },
  email: { label: "Email address", method: { algorithm: "partial", keepFirst: 1 }, format: "email" },
  phone: { label: "Phone number", method: { algorithm: "partial", keepLast: 2 }, format: "grouped" },
  national_id: { label: "National id", method: { algorithm: "partial", keepLast: 4 }, format: "grouped" },
  iban: { label: "IBAN", method: { algorithm: "partial", keepFirst: 4, keepLast: 4 }, format: "grouped" },
  secret: { label: "Secret", method: { algorithm: "full", replacement: "[redacted]" }, format: "plain" },
  person_name: { label: "Person name", method: { algorithm: "partial", keepFirst: 1 }, format: "plain" },
  address: { label: "Postal address", method: { algorithm: "full", replacement: "[address]" }, format: "plain" },
};

export function isBuiltInSemanticType(id: string): id is BuiltInSemanticTypeId {
  return Object.hasOwn(BUILT_IN_SEMANTIC_TYPES, id);
}

/** The type a policy means by `id`: its own declaration first, then the built-in; null if neither. */
export function resolveSemanticType(id: string, masking: Pick<MaskingPolicy, "semanticTypes">): SemanticTypeDefinition | null {
  const builtIn = isBuiltInSemanticType(id) ? BUILT_IN_SEMANTIC_TYPES[id] : undefined;
  const declared = masking.semanticTypes.find((t) => t.id === id);
  if (declared) {
    const transformedMethod = declared.transformedMethod ?? defaultTransformedMethod(declared.method);
    return { id, label: declared.label, method: declared.method, transformedMethod, format: builtIn?.format ?? "plain" };
  }
  return builtIn ? { id, ...builtIn, transformedMethod: defaultTransformedMethod(builtIn.method) } : null;
}

/**
 * A transformed value's mask when the policy names none: in full, since a computed value no longer
 * has the type's shape (a partial mask of `reverse(card)` would show the card's first digits). A type
 * already masked in full keeps its own substitute, and one masked to NULL stays NULL: a transformed
 * value never gets a weaker mask than the value itself.
 */
export function defaultTransformedMethod(method: MaskingMethod): MaskingMethod {
  if (method.algorithm === "null") return { algorithm: "null" };
  if (method.algorithm === "full") return { algorithm: "full", replacement: method.replacement ?? DEFAULT_FULL_REPLACEMENT };
  return { algorithm: "full", replacement: DEFAULT_FULL_REPLACEMENT };
}

/** Every type a policy can use, built-ins first (as the policy overrides them), for pickers. */
export function listSemanticTypes(masking: Pick<MaskingPolicy, "semanticTypes">): SemanticTypeDefinition[] {
  const ids = [...BUILT_IN_SEMANTIC_TYPE_IDS, ...masking.semanticTypes.map((t) => t.id).filter((id) => !isBuiltInSemanticType(id))];
  return [...new Set(ids)].map((id) => resolveSemanticType(id, masking)!);
}

/** Masks a whole value as its semantic type says. */
export function maskValue(value: string, type: SemanticTypeDefinition, ctx: MaskingContext): string | null {
  return applyMaskingMethod(value, type.method, ctx, type.format);
}

/**
 * Masks a value computed from the type's column (lineage: `derived`) with the type's transformed
 * method. Its layout is no longer the type's, so partial masks read it as plain text.
 */
export function maskTransformed(value: string, type: SemanticTypeDefinition, ctx: MaskingContext): string | null {
  return maskValue(value, transformedTypeOf(type), ctx);
}

/**
 * The type as it applies to transformed values: its transformed method in place of its method, read
 * as plain text. Result plans carry this form, so whatever masks a plan's values with `maskValue`
 * masks a computed column right.
 */
export function transformedTypeOf(type: SemanticTypeDefinition): SemanticTypeDefinition {
  const method = transformedMethodOf(type);
  return { ...type, method, transformedMethod: method, format: "plain" };
}
