import { BUILT_IN_SEMANTIC_TYPE_IDS, type MaskingMethod, type MaskingPolicy } from "../policy-document";
import { applyMaskingMethod, type ValueFormat } from "./algorithms";
import type { MaskingContext } from "./masking-context";

/** A semantic type as masking uses it: the policy's fields plus how its values are laid out. */
export type SemanticTypeDefinition = {
  id: string;
  label: string;
  method: MaskingMethod;
  format: ValueFormat;
};

export type BuiltInSemanticTypeId = (typeof BUILT_IN_SEMANTIC_TYPE_IDS)[number];

/**
 * The types every policy has without declaring them. A policy may declare a type with the same id
 * to change its label or method; the format stays, since it describes the data, not the policy.
 */
export const BUILT_IN_SEMANTIC_TYPES: Readonly<Record<BuiltInSemanticTypeId, Omit<SemanticTypeDefinition, "id">>> = {
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
  if (declared) return { id, label: declared.label, method: declared.method, format: builtIn?.format ?? "plain" };
  return builtIn ? { id, ...builtIn } : null;
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
