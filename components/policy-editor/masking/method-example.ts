import { applyMaskingMethod, DEFAULT_FULL_REPLACEMENT, DEFAULT_MASK_CHAR, type MaskingContext, type SemanticTypeDefinition } from "@/lib/policy/masking";
import type { MaskingAlgorithm, MaskingMethod } from "@/lib/policy/policy-document";

/** The algorithms as the editor names them, in the order the picker lists them. */
export const ALGORITHM_LABELS: Readonly<Record<MaskingAlgorithm, string>> = {
  full: "Full: a fixed substitute",
  partial: "Partial: keep the first / last characters",
  inner: "Inner: keep the ends, mask the middle",
  outer: "Outer: mask the ends, keep the middle",
  hash: "Keyed hash: equal values stay equal",
  null: "Null: the value becomes NULL",
};

/** Sample values for the built-in types' examples; a custom type gets a generic one. */
const SAMPLES: Readonly<Record<string, string>> = {
  card_number: "4111 1111 1111 1111",
  email: "jane.doe@example.com",
  phone: "+1 415 555 0123",
  national_id: "123-45-6789",
  iban: "DE89 3704 0044 0532 0130 00",
  secret: "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
  person_name: "Jane Doe",
  address: "221B Baker Street, London",
};
const CUSTOM_SAMPLE = "ACME-0042-7781";

export function sampleValueFor(typeId: string): string {
  return SAMPLES[typeId] ?? CUSTOM_SAMPLE;
}

/** The keyed hash needs the installation's key, which only the server has. */
const NO_KEY: MaskingContext = {
  hmac: () => {
    throw new Error("The keyed hash is computed on the server.");
  },
};

export type MethodExample = { input: string } & ({ kind: "masked"; output: string } | { kind: "null" } | { kind: "hash" } | { kind: "invalid" });

/**
 * What the type's method makes of a sample value, computed here with the same pure library the
 * gateway runs ("4111 1111 1111 1111" -> "**** **** **** 1111"). A hash is left to the server.
 */
export function exampleFor(type: Pick<SemanticTypeDefinition, "id" | "method" | "format">): MethodExample {
  const input = sampleValueFor(type.id);
  if (type.method.algorithm === "hash") return { input, kind: "hash" };
  try {
    const output = applyMaskingMethod(input, type.method, NO_KEY, type.format);
    return output === null ? { input, kind: "null" } : { input, kind: "masked", output };
  } catch {
    // A half-typed parameter (not a number yet): the field shows its own error.
    return { input, kind: "invalid" };
  }
}

/** One line saying what the method does with its parameters. */
export function describeMethod(method: MaskingMethod): string {
  const first = method.keepFirst ?? 0;
  const last = method.keepLast ?? 0;
  const mask = method.replacement ?? DEFAULT_MASK_CHAR;
  const ends = [first > 0 && `first ${first}`, last > 0 && `last ${last}`].filter(Boolean).join(" and ");
  switch (method.algorithm) {
    case "full":
      return `Replaced by “${method.replacement ?? DEFAULT_FULL_REPLACEMENT}”, whatever its length.`;
    case "partial":
      return ends ? `Keeps the ${ends} characters; the rest become “${mask}”.` : `Every character becomes “${mask}”.`;
    case "inner":
      return ends ? `Keeps the ${ends} characters and masks the middle with “${mask}”.` : `Every character becomes “${mask}”.`;
    case "outer":
      return ends ? `Masks the ${ends} characters with “${mask}” and keeps the middle.` : `Every character becomes “${mask}” (outer needs a band at one end at least).`;
    case "hash":
      return "An HMAC under the installation key: “h:” and 16 hex digits; equal values mask equally, so joins and GROUP BY still work.";
    case "null":
      return "The value becomes SQL NULL.";
  }
}

/** Which parameters an algorithm reads. */
export function methodParameters(algorithm: MaskingAlgorithm): { replacement: "substitute" | "mask character" | null; hasEnds: boolean } {
  switch (algorithm) {
    case "full":
      return { replacement: "substitute", hasEnds: false };
    case "partial":
    case "inner":
    case "outer":
      return { replacement: "mask character", hasEnds: true };
    default:
      return { replacement: null, hasEnds: false };
  }
}

/**
 * The method after switching algorithm: the parameters the new one reads are kept, the others dropped
 * (a `full` substitute such as "[redacted]" is not a mask character).
 */
export function switchAlgorithm(method: MaskingMethod, algorithm: MaskingAlgorithm): MaskingMethod {
  const before = methodParameters(method.algorithm);
  const after = methodParameters(algorithm);
  const next: MaskingMethod = { algorithm };
  if (after.hasEnds) {
    if (method.keepFirst !== undefined) next.keepFirst = method.keepFirst;
    if (method.keepLast !== undefined) next.keepLast = method.keepLast;
    if (!before.hasEnds && next.keepFirst === undefined && next.keepLast === undefined) next.keepLast = 4;
  }
  if (after.replacement && after.replacement === before.replacement && method.replacement !== undefined) next.replacement = method.replacement;
  return next;
}
