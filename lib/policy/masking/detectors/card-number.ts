import { execAll, type ContentDetector, type DetectedSpan } from "./detected-span";

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
  for (const m of execAll(DIGIT_RUN, text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (isPartOfDecimal(text, start, end)) continue;
    findCardsInRun(text, start, end, spans);
  }
  return spans;
}

export const cardNumberDetector: ContentDetector = { name: "card_number", find: findCardNumbers };

// The digit groups of the run being searched, reused from run to run: where each starts and ends.
const groupStart: number[] = [];
const groupEnd: number[] = [];

/** Appends to `found` the cards in text[start, end), one run of DIGIT_RUN; windows that overlap are fused. */
function findCardsInRun(text: string, start: number, end: number, found: DetectedSpan[]): void {
  let groups = 0;
  for (let i = start; i < end; ) {
    const from = i;
    while (i < end && isDigitCode(text.charCodeAt(i))) i++;
    groupStart[groups] = from;
    groupEnd[groups] = i;
    groups++;
    i++; // the separator
  }
  const firstOfRun = found.length;
  for (let i = 0; i < groups; i++) {
    const first = groupEnd[i]! - groupStart[i]!;
    let digits = 0;
    for (let j = i; j < groups; j++) {
      // Within one number the separator is always the same; groups only when there are several.
      if (j > i + 1 && text.charCodeAt(groupStart[j]! - 1) !== text.charCodeAt(groupStart[i + 1]! - 1)) break;
      const size = groupEnd[j]! - groupStart[j]!;
      digits += size;
      if (digits > MAX_DIGITS) break;
      // Grouped: every group of the window is of a card's group size (those before j were checked already).
      if (j > i && !(isGroupSize(first) && isGroupSize(size))) break;
      if (digits >= MIN_DIGITS && text.charCodeAt(groupStart[i]!) !== 0x30 && isLuhnValidGroups(text, i, j)) {
        const last = found.length > firstOfRun ? found[found.length - 1]! : undefined;
        if (last && groupStart[i]! <= last.end) last.end = Math.max(last.end, groupEnd[j]!);
        else found.push({ start: groupStart[i]!, end: groupEnd[j]! });
      }
    }
  }
}

const isGroupSize = (n: number) => n >= MIN_GROUP && n <= MAX_GROUP;

/** isLuhnValid over the digits of groups i to j, separators left out. */
function isLuhnValidGroups(text: string, i: number, j: number): boolean {
  let sum = 0;
  let isDoubled = false;
  for (let g = j; g >= i; g--) {
    for (let k = groupEnd[g]! - 1; k >= groupStart[g]!; k--, isDoubled = !isDoubled) {
      let d = text.charCodeAt(k) - 48;
      if (isDoubled) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
  }
  return sum % 10 === 0;
}

/** "1234567890123.45" or "1.4111111111111111" is a number with a fraction, not a card. */
function isPartOfDecimal(text: string, start: number, end: number): boolean {
  return (text[start - 1] === "." && isDigit(text[start - 2])) || (text[end] === "." && isDigit(text[end + 1]));
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length && n < MIN_DIGITS; i++) if (isDigit(text[i])) n++;
  return n;
}
