import { execAll, mergeSpans, type ContentDetector, type DetectedSpan } from "./detected-span";

/**
 * Phone numbers in the shapes people and systems write them. Bare digit strings ("4155550123") are
 * deliberately not phones: nothing tells them apart from ids, amounts or counters.
 */

/** +14155550123: E.164, a plus and 8 to 15 digits; not the integer part of "+15000000.00". */
const E164 = /(?<![\w+])\+[1-9]\d{7,14}(?!\d)(?![.,]\d)/g;

/**
 * +44 20 7946 0958, +44 7700 900123, +1 (415) 555-0123, +1-415-555-0123: a plus, a country code
 * and up to five groups split by single spaces, dots or dashes, one of them possibly in
 * parentheses. Must not stop in the middle of a longer run of groups.
 */
const INTERNATIONAL = /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]\d{1,6}){1,5}(?![ .-]?\d)/g;

/** (415) 555-0123 and (415)555-0123: North American, area code in parentheses. */
const NANP_PARENTHESES = /(?<![\w+(])\(([2-9]\d{2})\) ?[2-9]\d{2}[-. ]\d{4}(?!\d)(?![-.]\d)/g;

/**
 * 415-555-0123, 415.555.0123, 1-415-555-0123: North American with one kind of separator. Area
 * codes and exchanges start with 2-9, which already rules out most dates and order numbers.
 */
const NANP_SEPARATED = /(?<![\d.+-])(?:1[-.])?[2-9]\d{2}([-.])[2-9]\d{2}\1\d{4}(?![-.]?\d)/g;

const MIN_DIGITS = 8;
const MAX_DIGITS = 15;

export function findPhoneNumbers(text: string): DetectedSpan[] {
  const spans: DetectedSpan[] = [];
  // Each pattern only where the character it cannot match without is there.
  if (text.includes("+")) {
    for (const m of execAll(E164, text)) spans.push({ start: m.index, end: m.index + m[0].length });
    for (const m of execAll(INTERNATIONAL, text)) {
      const end = trimToPhoneLength(m[0]);
      if (end !== null && !isFollowedByFraction(text, m.index + end)) spans.push({ start: m.index, end: m.index + end });
    }
  }
  if (text.includes("(")) for (const m of execAll(NANP_PARENTHESES, text)) spans.push({ start: m.index, end: m.index + m[0].length });
  if (text.includes("-") || text.includes(".")) for (const m of execAll(NANP_SEPARATED, text)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans.length === 0 ? spans : mergeSpans(spans);
}

export const phoneDetector: ContentDetector = { name: "phone", find: findPhoneNumbers };

/**
 * A grouped international number is at most 15 digits; when trailing groups make it longer (a year
 * or a count written after it), they are dropped, group by group. Returns the length to keep, or
 * null if no prefix of whole groups has a phone's digit count.
 */
function trimToPhoneLength(candidate: string): number | null {
  let end = candidate.length;
  for (;;) {
    const digits = candidate.slice(0, end).replace(/\D/g, "").length;
    if (digits <= MAX_DIGITS) return digits >= MIN_DIGITS ? end : null;
    const cut = candidate.slice(0, end).search(/[ .-]\d+$/);
    if (cut <= 0) return null;
    end = cut;
  }
}

function isFollowedByFraction(text: string, end: number): boolean {
  return (text[end] === "." || text[end] === ",") && /\d/.test(text[end + 1] ?? "");
}
