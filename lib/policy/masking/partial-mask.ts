import type { MaskingMethod } from "../policy-document";
import { maskKeepingEnds, splitCodePoints } from "./code-points";

/**
 * How a value is laid out, which decides what `partial` keeps:
 * - plain: every code point counts;
 * - grouped: separators (spaces, dashes, dots, parentheses, slashes, a leading plus) stay in place
 *   and only the characters between them count, so "4111 1111 1111 1111" keeping the last 4 gives
 *   "**** **** **** 1111" rather than "***************1 1111";
 * - email: the local part is masked and the domain kept, "john@example.com" -> "j***@example.com".
 */
export const VALUE_FORMATS = ["plain", "grouped", "email"] as const;
export type ValueFormat = (typeof VALUE_FORMATS)[number];

export const DEFAULT_MASK_CHAR = "*";

const GROUP_SEPARATOR = /^[\s\-.()/+]$/u;
const isGroupContent = (c: string) => !GROUP_SEPARATOR.test(c);

/** `partial`: keeps `keepFirst` and `keepLast` characters, one mask character per hidden one. */
export function maskPartial(value: string, method: MaskingMethod, format: ValueFormat): string {
  const keepFirst = method.keepFirst ?? 0;
  const keepLast = method.keepLast ?? 0;
  const maskChar = method.replacement ?? DEFAULT_MASK_CHAR;
  if (format === "email") {
    // The last "@": a quoted local part may itself contain one.
    const at = value.lastIndexOf("@");
    if (at > 0 && at < value.length - 1) {
      return maskKeepingEnds(splitCodePoints(value.slice(0, at)), keepFirst, keepLast, maskChar) + value.slice(at);
    }
    // Not an address after all: fall through and treat it as plain text.
  }
  const chars = splitCodePoints(value);
  if (format === "grouped") return maskKeepingEnds(chars, keepFirst, keepLast, maskChar, isGroupContent);
  return maskKeepingEnds(chars, keepFirst, keepLast, maskChar);
}
