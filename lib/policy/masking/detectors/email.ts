import { execAll, type ContentDetector, type DetectedSpan } from "./detected-span";

/**
 * Email addresses as they appear in data: a local part of letters, digits and `._%+'-` starting
 * with a letter, digit or underscore, then a domain of dot-separated labels ending in a TLD of
 * letters. Unicode letters count (internationalised addresses). Not caught: quoted local parts
 * ("john doe"@example.com), IP-literal domains (user@[192.0.2.1]), and hosts without a dot
 * (root@localhost).
 *
 * The lookbehind only refuses to start inside a word: a quote or dash before the address
 * ('john@example.com', -john@example.com) must not hide it.
 */
const EMAIL =
  /(?<![\p{L}\p{N}_])[\p{L}\p{N}_][\p{L}\p{N}._%+'-]{0,63}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}(?![\p{L}\p{N}-])/gu;

export function findEmails(text: string): DetectedSpan[] {
  if (!text.includes("@")) return [];
  return execAll(EMAIL, text).map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/**
 * EMAIL's matches in bytes[start, end) when all are ASCII, without the regex (the gateway's hot
 * path): on ASCII, \p{L} is [A-Za-z] and \p{N} is [0-9], and what the regex's backtracking can
 * match is decided per "@" (email.test.ts compares the two on random texts):
 * - the local part is the run of local characters right before the "@", cut to the leftmost
 *   position, at most 64 back, where a word character follows a non-word one;
 * - the domain is the longest chain of labels (1 to 63 of [A-Za-z0-9-], letter or digit at both
 *   ends, each followed by a dot) whose next run of letters, 2 to 63 long, is not followed by
 *   [A-Za-z0-9-]; a shorter chain is tried when the longest one's is;
 * - after a match, the next one starts no earlier than its end.
 */
export function findEmailsInAscii(b: Uint8Array, start: number, end: number): DetectedSpan[] {
  const spans: DetectedSpan[] = [];
  let from = start;
  for (let at = b.indexOf(0x40, start); at >= 0 && at < end; at = b.indexOf(0x40, at + 1)) {
    const local = localPartStart(b, start, from, at);
    if (local < 0) continue;
    const domainEnd = domainEndAfter(b, at + 1, end);
    if (domainEnd < 0) continue;
    spans.push({ start: local - start, end: domainEnd - start });
    from = domainEnd;
    at = domainEnd - 1;
  }
  return spans;
}

export const emailDetector: ContentDetector = { name: "email", find: findEmails, findInAscii: findEmailsInAscii };

const WORD = 1; // [A-Za-z0-9_]
const LOCAL = 2; // [A-Za-z0-9_.%+'-]
const ALNUM = 4; // [A-Za-z0-9]
const LETTER = 8; // [A-Za-z]
const HYPHEN = 16; // - (a label's inside)
const KIND = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) KIND[c] = WORD | LOCAL | ALNUM;
for (let c = 0x41; c <= 0x5a; c++) KIND[c] = WORD | LOCAL | ALNUM | LETTER;
for (let c = 0x61; c <= 0x7a; c++) KIND[c] = WORD | LOCAL | ALNUM | LETTER;
KIND[0x5f] = WORD | LOCAL; // _
for (const c of ".%+'") KIND[c.charCodeAt(0)] = LOCAL;
KIND[0x2d] = LOCAL | HYPHEN; // -

/** Where the address whose "@" is at `at` starts (not before `from`, the last match's end), or -1: no local part fits. */
function localPartStart(b: Uint8Array, start: number, from: number, at: number): number {
  let run = at;
  while (run > from && KIND[b[run - 1]!]! & LOCAL) run--;
  // [\p{L}\p{N}_][local]{0,63}: the first character at most 64 before the "@".
  for (let s = Math.max(run, at - 64); s < at; s++) {
    if ((KIND[b[s]!]! & WORD) === 0) continue;
    // (?<![\p{L}\p{N}_]) looks at the text itself, also before `from`.
    if (s > start && KIND[b[s - 1]!]! & WORD) continue;
    return s;
  }
  return -1;
}

/** Where the domain starting at `i` ends (after its top-level label), or -1: none fits. */
function domainEndAfter(b: Uint8Array, i: number, end: number): number {
  // Each label ends at a dot: where the labels after the first, second… dot begin.
  const afterDots: number[] = [];
  for (let at = i; ; ) {
    let k = at;
    while (k < end && KIND[b[k]!]! & (ALNUM | HYPHEN)) k++;
    const length = k - at;
    if (length < 1 || length > 63 || k >= end || b[k] !== 0x2e) break;
    if ((KIND[b[at]!]! & ALNUM) === 0 || (KIND[b[k - 1]!]! & ALNUM) === 0) break;
    at = k + 1;
    afterDots.push(at);
  }
  for (let n = afterDots.length - 1; n >= 0; n--) {
    const top = afterDots[n]!;
    let k = top;
    while (k < end && KIND[b[k]!]! & LETTER) k++;
    const length = k - top;
    if (length >= 2 && length <= 63 && (k >= end || (KIND[b[k]!]! & (ALNUM | HYPHEN)) === 0)) return k;
  }
  return -1;
}
