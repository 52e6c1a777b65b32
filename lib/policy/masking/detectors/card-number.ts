import type { ContentDetector, DetectedSpan } from "./detected-span";

// A candidate run ("DIGIT_RUN"): digits joined by single spaces or dashes, bounded by anything else.
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
  // Every character the search looks at (digits, space, dash, dot) is ASCII: the others become 0xff,
  // at the same offsets, and the one search on codes serves text and the gateway's bytes alike.
  const codes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    codes[i] = c < 0x80 ? c : 0xff;
  }
  return findCardNumbersInAscii(codes, 0, codes.length);
}

/** findCardNumbers over codes[start, end) (a value's bytes, all ASCII), offsets counted from `start`. */
export function findCardNumbersInAscii(b: Uint8Array, start: number, end: number): DetectedSpan[] {
  const spans: DetectedSpan[] = [];
  if (countDigits(b, start, end) < MIN_DIGITS) return spans;
  // The runs, leftmost first, as the regex \d+(?:[ -]\d+)* with the g flag would match them.
  for (let i = start; i < end; ) {
    if (!isDigitCode(b[i]!)) {
      i++;
      continue;
    }
    const from = i;
    for (;;) {
      while (i < end && isDigitCode(b[i]!)) i++;
      if (i + 1 < end && (b[i] === 0x20 || b[i] === 0x2d) && isDigitCode(b[i + 1]!)) i++;
      else break;
    }
    if (!isPartOfDecimal(b, start, end, from, i)) findCardsInRun(b, from, i, start, spans);
  }
  return spans;
}

export const cardNumberDetector: ContentDetector = { name: "card_number", find: findCardNumbers, findInAscii: findCardNumbersInAscii };

// The digit groups of the run being searched, reused from run to run: where each starts and ends.
const groupStart: number[] = [];
const groupEnd: number[] = [];

/**
 * Appends to `found` the cards in b[start, end), one run of DIGIT_RUN, at offsets counted from
 * `origin`; windows that overlap are fused.
 */
function findCardsInRun(b: Uint8Array, start: number, end: number, origin: number, found: DetectedSpan[]): void {
  let groups = 0;
  for (let i = start; i < end; ) {
    const from = i;
    while (i < end && isDigitCode(b[i]!)) i++;
    groupStart[groups] = from;
    groupEnd[groups] = i;
    groups++;
    i++; // the separator
  }
  const firstOfRun = found.length;
  let remaining = 0;
  for (let g = 0; g < groups; g++) remaining += groupEnd[g]! - groupStart[g]!;
  for (let i = 0; i < groups; i++) {
    const first = groupEnd[i]! - groupStart[i]!;
    // No window from here on has a card's digits: the rest of the run is too short.
    if (remaining < MIN_DIGITS) break;
    remaining -= first;
    let digits = 0;
    for (let j = i; j < groups; j++) {
      // Within one number the separator is always the same; groups only when there are several.
      if (j > i + 1 && b[groupStart[j]! - 1] !== b[groupStart[i + 1]! - 1]) break;
      const size = groupEnd[j]! - groupStart[j]!;
      digits += size;
      if (digits > MAX_DIGITS) break;
      // Grouped: every group of the window is of a card's group size (those before j were checked already).
      if (j > i && !(isGroupSize(first) && isGroupSize(size))) break;
      if (digits >= MIN_DIGITS && b[groupStart[i]!] !== 0x30 && isLuhnValidGroups(b, i, j)) {
        const last = found.length > firstOfRun ? found[found.length - 1]! : undefined;
        if (last && groupStart[i]! - origin <= last.end) last.end = Math.max(last.end, groupEnd[j]! - origin);
        else found.push({ start: groupStart[i]! - origin, end: groupEnd[j]! - origin });
      }
    }
  }
}

const isGroupSize = (n: number) => n >= MIN_GROUP && n <= MAX_GROUP;

/** isLuhnValid over the digits of groups i to j, separators left out. */
function isLuhnValidGroups(b: Uint8Array, i: number, j: number): boolean {
  let sum = 0;
  let isDoubled = false;
  for (let g = j; g >= i; g--) {
    for (let k = groupEnd[g]! - 1; k >= groupStart[g]!; k--, isDoubled = !isDoubled) {
      let d = b[k]! - 48;
      if (isDoubled) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
  }
  return sum % 10 === 0;
}

/** "1234567890123.45" or "1.4111111111111111" is a number with a fraction, not a card: the run is b[from, to) of b[start, end). */
function isPartOfDecimal(b: Uint8Array, start: number, end: number, from: number, to: number): boolean {
  return (from >= start + 2 && b[from - 1] === 0x2e && isDigitCode(b[from - 2]!)) || (to + 1 < end && b[to] === 0x2e && isDigitCode(b[to + 1]!));
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function countDigits(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end && n < MIN_DIGITS; i++) if (isDigitCode(b[i]!)) n++;
  return n;
}
