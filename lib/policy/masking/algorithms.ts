import type { MaskingMethod } from "../policy-document";
import { maskKeepingEnds, splitCodePoints } from "./code-points";
import type { MaskingContext } from "./masking-context";
import { DEFAULT_MASK_CHAR, maskPartial, type ValueFormat } from "./partial-mask";

export { DEFAULT_MASK_CHAR, VALUE_FORMATS, type ValueFormat } from "./partial-mask";

export const DEFAULT_FULL_REPLACEMENT = "****";
export const HASH_PREFIX = "h:";
/** 64 bits: collisions stay negligible at table sizes while the rendered value stays short. */
const HASH_HEX_CHARS = 16;

/**
 * Masks one value with a policy's method. Returns null for the `null` algorithm (the value becomes
 * SQL NULL). `format` only changes what `partial` keeps; see `ValueFormat`.
 * Throws on an algorithm it does not know, so a caller fails closed rather than passing data on.
 */
export function applyMaskingMethod(
  value: string,
  method: MaskingMethod,
  ctx: MaskingContext,
  format: ValueFormat = "plain",
): string | null {
  const algorithm = method.algorithm;
  switch (algorithm) {
    case "full":
      // A fixed substitute, not one per character: the length of a secret is information too.
      return method.replacement ?? DEFAULT_FULL_REPLACEMENT;
    case "partial":
      return maskPartial(value, method, format);
    case "inner":
      return maskInner(value, method);
    case "outer":
      return maskOuter(value, method);
    case "hash":
      return hashValue(value, ctx);
    case "null":
      return null;
    default: {
      const unknown: never = algorithm;
      throw new Error(`Unknown masking algorithm "${String(unknown)}".`);
    }
  }
}

/** `inner`: keeps a band of `keepFirst` and `keepLast` code points and masks what lies between. */
export function maskInner(value: string, method: MaskingMethod): string {
  const maskChar = method.replacement ?? DEFAULT_MASK_CHAR;
  return maskKeepingEnds(splitCodePoints(value), method.keepFirst ?? 0, method.keepLast ?? 0, maskChar);
}

/**
 * `outer`: masks a band of `keepFirst` and `keepLast` code points at the ends and keeps the middle.
 * With no bands at all it would reveal the value whole, so it masks everything instead.
 */
export function maskOuter(value: string, method: MaskingMethod): string {
  const maskChar = method.replacement ?? DEFAULT_MASK_CHAR;
  const chars = splitCodePoints(value);
  const head = method.keepFirst ?? 0;
  const tail = method.keepLast ?? 0;
  if (head + tail === 0 || chars.length <= head + tail) return maskChar.repeat(chars.length);
  return maskChar.repeat(head) + chars.slice(head, chars.length - tail).join("") + maskChar.repeat(tail);
}

/**
 * `hash`: a keyed hash, so equal values mask equally (joins, GROUP BY and DISTINCT still work) while
 * nobody without the installation key can confirm a guess by hashing it themselves.
 */
export function hashValue(value: string, ctx: MaskingContext): string {
  const hex = ctx.hmac(value);
  // A broken injected hash must not turn into a constant that makes every value look equal.
  if (!/^[0-9a-f]{16,}$/i.test(hex)) throw new Error("The masking hash did not return hex.");
  return HASH_PREFIX + hex.slice(0, HASH_HEX_CHARS).toLowerCase();
}
