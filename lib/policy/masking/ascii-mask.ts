import type { MaskingMethod } from "../policy-document";
import { DEFAULT_MASK_CHAR, type ValueFormat } from "./partial-mask";

/**
 * The character-keeping methods (partial, inner, outer) straight on a value's bytes, for the
 * gateway's hot path: when every byte is ASCII, each byte is one code point, and a one-byte mask
 * character keeps the value's length, so it is masked where it lies, without decoding it to a
 * string or allocating anything. The result is exactly what `applyMaskingMethod` returns for the
 * same text (ascii-mask.test.ts checks that against it); for anything else the caller takes the
 * string path.
 */

/** Masks bytes[start, end) in place; false (and nothing written) when the value is not all ASCII. */
export type AsciiMasker = (bytes: Uint8Array, start: number, end: number) => boolean;

/** The masker for a method and format, or null when the method cannot keep the length (full, hash, null) or its mask character is not one ASCII byte. */
export function createAsciiMasker(method: MaskingMethod, format: ValueFormat): AsciiMasker | null {
  const maskChar = method.replacement ?? DEFAULT_MASK_CHAR;
  if (maskChar.length !== 1 || maskChar.charCodeAt(0) >= 0x80) return null;
  const mask = maskChar.charCodeAt(0);
  const keepFirst = method.keepFirst ?? 0;
  const keepLast = method.keepLast ?? 0;
  switch (method.algorithm) {
    case "partial":
      if (format === "email") return (b, s, e) => isAscii(b, s, e) && (maskEmail(b, s, e, keepFirst, keepLast, mask), true);
      if (format === "grouped") return (b, s, e) => maskGrouped(b, s, e, keepFirst, keepLast, mask);
      return (b, s, e) => isAscii(b, s, e) && (keepEnds(b, s, e, keepFirst, keepLast, mask, null), true);
    case "inner":
      return (b, s, e) => isAscii(b, s, e) && (keepEnds(b, s, e, keepFirst, keepLast, mask, null), true);
    case "outer":
      return (b, s, e) => isAscii(b, s, e) && (maskOuterBands(b, s, e, keepFirst, keepLast, mask), true);
    default:
      return null;
  }
}

export function isAscii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/** Bytes of partial-mask.ts's GROUP_SEPARATOR (`[\s\-.()/+]`) on ASCII: tab to carriage return, space, - . ( ) / +; and 2 for every byte that is not ASCII. */
const GROUPING = new Uint8Array(256);
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x2d, 0x2e, 0x28, 0x29, 0x2f, 0x2b]) GROUPING[c] = 1;
GROUPING.fill(2, 0x80);

/** keepEnds with separators staying and not counting, in one pass to count (and check ASCII) and one to mask. */
function maskGrouped(b: Uint8Array, start: number, end: number, keepFirst: number, keepLast: number, mask: number): boolean {
  let total = 0;
  for (let i = start; i < end; i++) {
    const g = GROUPING[b[i]!]!;
    if (g === 0) total++;
    else if (g === 2) return false;
  }
  const revealsAll = total <= keepFirst + keepLast;
  let seen = 0;
  for (let i = start; i < end; i++) {
    if (GROUPING[b[i]!] !== 0) continue;
    if (revealsAll || (seen >= keepFirst && seen < total - keepLast)) b[i] = mask;
    seen++;
  }
  return true;
}

/** code-points.ts's maskKeepingEnds, on bytes that are each one code point. */
function keepEnds(b: Uint8Array, start: number, end: number, keepFirst: number, keepLast: number, mask: number, isMaskable: ((c: number) => boolean) | null): void {
  let total = end - start;
  if (isMaskable) {
    total = 0;
    for (let i = start; i < end; i++) if (isMaskable(b[i]!)) total++;
  }
  const revealsAll = total <= keepFirst + keepLast;
  let seen = 0;
  for (let i = start; i < end; i++) {
    if (isMaskable && !isMaskable(b[i]!)) continue;
    const isKept = !revealsAll && (seen < keepFirst || seen >= total - keepLast);
    if (!isKept) b[i] = mask;
    seen++;
  }
}

/** partial-mask.ts's email format: the local part before the last "@" is masked, the domain kept; not an address: plain. */
function maskEmail(b: Uint8Array, start: number, end: number, keepFirst: number, keepLast: number, mask: number): void {
  let at = -1;
  for (let i = end - 1; i >= start; i--) {
    if (b[i] === 0x40) {
      at = i;
      break;
    }
  }
  if (at > start && at < end - 1) keepEnds(b, start, at, keepFirst, keepLast, mask, null);
  else keepEnds(b, start, end, keepFirst, keepLast, mask, null);
}

/** algorithms.ts's maskOuter: the bands at the ends are masked, the middle kept; no bands, or nothing between them: all masked. */
function maskOuterBands(b: Uint8Array, start: number, end: number, head: number, tail: number, mask: number): void {
  const length = end - start;
  if (head + tail === 0 || length <= head + tail) {
    b.fill(mask, start, end);
    return;
  }
  b.fill(mask, start, start + head);
  b.fill(mask, end - tail, end);
}
