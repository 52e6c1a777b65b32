import type { ContentDetector, DetectedSpan } from "./detected-span";

/** Digits joined by single spaces or dashes: one candidate run, bounded by anything else. */
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
/** Grouped numbers on cards come in 3 to 6 digits (4-4-4-4, 4-6-5, 4-4-4-4-3). */
const MIN_GROUP = 3;
const MAX_GROUP = 6;

/** The Luhn (mod 10) check every payment card number carries in its last digit. */
export function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, isDoubled = false; i >= 0; i--, isDoubled = !isDoubled) {
    let d = digits.charCodeAt(i) - 48;
    if (isDoubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Payment card numbers: 13 to 19 digits passing the Luhn check, written solid or in groups with one
 * kind of separator (space or dash), not starting with 0 (no card issuer uses it; zero-padded ids
 * do). About one random digit string in ten passes Luhn, so long account or order numbers of card
 * length are sometimes caught too: masking them is the safe mistake.
 *
 * A run of digit groups may hold a card among other numbers ("ref 1234 4111 1111 1111 1111"); every
 * window of whole groups that is a card is found, and overlapping windows are fused, so digits of a
 * card are never left out because a neighbouring window happened to pass Luhn as well.
 */
export function findCardNumbers(text: string): DetectedSpan[] {
  if (countDigits(text) < MIN_DIGITS) return [];
  const spans: DetectedSpan[] = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    const start = m.index;
    const end = start + m[0].length;
    if (isPartOfDecimal(text, start, end)) continue;
    spans.push(...findCardsInRun(m[0], start));
  }
  return spans;
}

export const cardNumberDetector: ContentDetector = { name: "card_number", find: findCardNumbers };

type Group = { start: number; end: number; digits: string; separator: string };

function findCardsInRun(run: string, offset: number): DetectedSpan[] {
  const groups: Group[] = [];
  for (const g of run.matchAll(/\d+/g)) {
    groups.push({ start: offset + g.index, end: offset + g.index + g[0].length, digits: g[0], separator: run[g.index - 1] ?? "" });
  }
  const found: DetectedSpan[] = [];
  for (let i = 0; i < groups.length; i++) {
    let digits = "";
    for (let j = i; j < groups.length; j++) {
      const g = groups[j]!;
      // Within one number the separator is always the same; groups only when there are several.
      if (j > i && g.separator !== groups[i + 1]!.separator) break;
      digits += g.digits;
      if (digits.length > MAX_DIGITS) break;
      const isGrouped = j > i;
      if (isGrouped && !groups.slice(i, j + 1).every((x) => x.digits.length >= MIN_GROUP && x.digits.length <= MAX_GROUP)) break;
      if (digits.length >= MIN_DIGITS && digits[0] !== "0" && isLuhnValid(digits)) {
        const last = found[found.length - 1];
        if (last && groups[i]!.start <= last.end) last.end = Math.max(last.end, g.end);
        else found.push({ start: groups[i]!.start, end: g.end });
      }
    }
  }
  return found;
}

/** "1234567890123.45" or "1.4111111111111111" is a number with a fraction, not a card. */
function isPartOfDecimal(text: string, start: number, end: number): boolean {
  return (text[start - 1] === "." && isDigit(text[start - 2])) || (text[end] === "." && isDigit(text[end + 1]));
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length && n < MIN_DIGITS; i++) if (isDigit(text[i])) n++;
  return n;
}
