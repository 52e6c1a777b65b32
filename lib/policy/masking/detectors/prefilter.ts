import { DETECTORS, type Detector } from "../../policy-document";

/**
 * One pass over a value's UTF-8 bytes that tells which content detectors could possibly find
 * something in its text, so that the others are not run and, most often, the value is not even
 * decoded. Each test is a necessary condition of its detector's patterns, read off the patterns
 * (see the detectors' files), on ASCII bytes only: every pattern's anchors (digits, "@", ".", "+",
 * key prefixes) are ASCII, a UTF-8 byte below 0x80 is always that same character in the decoded
 * text (also around invalid sequences, which decode to U+FFFD), and the text has no more UTF-16
 * units than the value has bytes. prefilter.test.ts checks it against every detector's own tests
 * and random texts: whenever a detector finds something, its bit is set.
 */

const BIT = Object.fromEntries(DETECTORS.map((d, i) => [d, 1 << i])) as Record<Detector, number>;

/** A detector's bit in a mask: its position in DETECTORS. */
export function detectorBit(d: Detector): number {
  return BIT[d];
}

/** The mask of the given detectors. */
export function detectorMask(detectors: Iterable<Detector>): number {
  let mask = 0;
  for (const d of detectors) mask |= BIT[d];
  return mask;
}

// Byte classes, by table: digit, ASCII letter, base64url character of a JWT ([A-Za-z0-9_-]).
const DIGIT = 1;
const LETTER = 2;
const JWT_CHAR = 4;
/** A byte some detector's anchor starts with (punctuation, or a letter that begins a key prefix). */
const ANCHOR = 8;
const NOT_ASCII = 16;
const CLASS = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT | JWT_CHAR;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = LETTER | JWT_CHAR;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = LETTER | JWT_CHAR;
CLASS[0x5f] = JWT_CHAR; // _
CLASS[0x2d] = JWT_CHAR; // -
for (const c of "@.-+(\"ePASsgxh") CLASS[c.charCodeAt(0)]! |= ANCHOR;
for (let c = 0x80; c <= 0xff; c++) CLASS[c] = NOT_ASCII;

/**
 * The detectors among `enabled` (a mask of detectorBit) that could find something in bytes[start, end).
 * `scan.isAscii` is set to whether every byte was ASCII (then offsets in the text are byte offsets).
 */
export function possibleDetectors(b: Uint8Array, start: number, end: number, enabled: number, scan?: { isAscii: boolean }): number {
  const length = end - start;
  // Key prefixes are looked for only where the cloud key detector would run at all.
  const isLongEnoughForKeys = length >= 20;
  let digits = 0;
  let firstAt = -1;
  let lastDot = -1;
  let hasPlus = false;
  let hasParen = false;
  let hasDashOrDot = false;
  let found = 0;
  let isAscii = true;
  // The previous byte: an ASCII letter or digit (IBAN), or one of [A-Za-z0-9_.-] (JWT).
  let afterAlnum = false;
  let afterJwtChar = false;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    const cls = CLASS[c]!;
    if (cls & DIGIT) {
      digits++;
      afterAlnum = true;
      afterJwtChar = true;
      continue;
    }
    if (cls & LETTER) {
      // IBAN: two ASCII letters then two digits, at the start of an alphanumeric run.
      if (!afterAlnum && i + 3 < end && CLASS[b[i + 1]!]! & LETTER && CLASS[b[i + 2]!]! & DIGIT && CLASS[b[i + 3]!]! & DIGIT) found |= BIT.iban;
      if (cls & ANCHOR) found |= anchoredAt(b, i, end, c, afterJwtChar, isLongEnoughForKeys, found);
      afterAlnum = true;
      afterJwtChar = true;
      continue;
    }
    afterAlnum = false;
    afterJwtChar = (cls & JWT_CHAR) !== 0 || c === 0x2e;
    if (cls & NOT_ASCII) {
      isAscii = false;
      continue;
    }
    if ((cls & ANCHOR) === 0) continue;
    switch (c) {
      case 0x40: // @
        if (firstAt < 0) firstAt = i;
        break;
      case 0x2e: // .
        lastDot = i;
        hasDashOrDot = true;
        break;
      case 0x2d: // -
        hasDashOrDot = true;
        if (isSsnShape(b, start, end, i)) found |= BIT.us_ssn;
        break;
      case 0x2b: // +
        if (!hasPlus && isPlusPhoneAt(b, start, end, i)) hasPlus = true;
        break;
      case 0x28: // (
        hasParen = true;
        break;
      case 0x22: // " of "private_key"
        if (isLongEnoughForKeys && hasText(b, i, end, '"private_key"')) found |= BIT.cloud_key;
        break;
    }
  }
  if (digits >= 13) found |= BIT.card_number;
  if (firstAt >= 0 && lastDot > firstAt) found |= BIT.email;
  if (digits >= 8 && (hasPlus || hasParen || hasDashOrDot)) found |= BIT.phone;
  // The length floors the detectors check themselves, on text no longer than the bytes.
  if (length < 15) found &= ~BIT.iban;
  if (scan) scan.isAscii = isAscii;
  return found & enabled;
}

/** What a letter that may begin an anchor adds at `i`: a JWT's "e", "PRIVATE KEY", or a key's prefix. */
function anchoredAt(b: Uint8Array, i: number, end: number, c: number, afterJwtChar: boolean, isLongEnoughForKeys: boolean, found: number): number {
  switch (c) {
    case 0x65: // e: a JWT's header starts with it
      return (found & BIT.jwt) === 0 && !afterJwtChar && isJwtStart(b, end, i) ? BIT.jwt : 0;
    case 0x50: // P
      return hasText(b, i, end, "PRIVATE KEY") ? BIT.private_key : 0;
  }
  if (!isLongEnoughForKeys || found & BIT.cloud_key) return 0;
  switch (c) {
    case 0x41: // A: AKIA, ASIA, AIza
      return hasText(b, i, end, "AKIA") || hasText(b, i, end, "ASIA") || hasText(b, i, end, "AIza") ? BIT.cloud_key : 0;
    case 0x53: // S or s: secret_access_key, in any case
    case 0x73:
      return hasTextIgnoringCase(b, i, end, "secret") ? BIT.cloud_key : 0;
    case 0x67: // g: ghp_ gho_ ghu_ ghs_ ghr_ github_pat_
      return isGitHubPrefix(b, i, end) ? BIT.cloud_key : 0;
    case 0x78: // x: xoxb- and the other Slack tokens
      return hasText(b, i, end, "xox") ? BIT.cloud_key : 0;
    case 0x68: // h: https://hooks.slack.com/
      return hasText(b, i, end, "hooks.slack.com/") ? BIT.cloud_key : 0;
  }
  return 0;
}

const isDigitByte = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const isPhoneSeparator = (c: number | undefined) => c === 0x20 || c === 0x2e || c === 0x2d;

/**
 * Whether phone.ts's E164 or INTERNATIONAL pattern can match at the "+" at `plus`. E164: a digit 1-9
 * and 7 more digits. INTERNATIONAL: a country code of 1 to 3 digits (1-9 first), an optional area
 * code in parentheses, then 1 to 5 groups of one separator (space, dot, dash) and 1 to 6 digits,
 * and its lookahead lets it end only where the chain of groups ends: so every group of the chain
 * counts (each runs to its last digit, or the next could not start), and a chain with a group of 7
 * digits or more, or more than 5 groups, cannot match (the bench's "+1 555 0000001" cannot). Then at
 * least 8 digits, which trimToPhoneLength asks for.
 */
function isPlusPhoneAt(b: Uint8Array, start: number, end: number, plus: number): boolean {
  // (?<![\w+]): not after a word character or another plus.
  if (plus > start) {
    const before = b[plus - 1]!;
    if (before === 0x2b || before === 0x5f || CLASS[before]! & (LETTER | DIGIT)) return false;
  }
  let i = plus + 1;
  if (i >= end || b[i]! < 0x31 || b[i]! > 0x39) return false;
  while (i < end && isDigitByte(b[i])) i++;
  const country = i - plus - 1;
  if (country >= 8) return true; // E164
  if (country > 3) return false;
  let digits = country;
  // The area code in parentheses, with or without a separator before it.
  const paren = isPhoneSeparator(b[i]) && b[i + 1] === 0x28 ? i + 1 : b[i] === 0x28 ? i : -1;
  if (paren >= 0) {
    let k = paren + 1;
    while (k < end && isDigitByte(b[k])) k++;
    const area = k - paren - 1;
    if (area < 1 || area > 4 || k >= end || b[k] !== 0x29) return false;
    digits += area;
    i = k + 1;
  }
  let groups = 0;
  while (i + 1 < end && isPhoneSeparator(b[i]) && isDigitByte(b[i + 1])) {
    let k = i + 1;
    while (k < end && isDigitByte(b[k])) k++;
    if (k - i - 1 > 6 || ++groups > 5) return false;
    digits += k - i - 1;
    i = k;
  }
  return groups >= 1 && digits >= 8;
}

/** ddd-dd-dddd around the first dash at `dash`. */
function isSsnShape(b: Uint8Array, start: number, end: number, dash: number): boolean {
  if (dash - 3 < start || dash + 8 > end) return false;
  const digit = (i: number) => (CLASS[b[i]!]! & DIGIT) !== 0;
  return digit(dash - 3) && digit(dash - 2) && digit(dash - 1) && digit(dash + 1) && digit(dash + 2) && b[dash + 3] === 0x2d && digit(dash + 4) && digit(dash + 5) && digit(dash + 6) && digit(dash + 7);
}

/** After an "e" not preceded by [A-Za-z0-9_.-]: at least 9 more of [A-Za-z0-9_-], then a dot (jwt.ts's JWT_CANDIDATE). */
function isJwtStart(b: Uint8Array, end: number, at: number): boolean {
  let i = at + 1;
  while (i < end && CLASS[b[i]!]! & JWT_CHAR) i++;
  return i - at >= 10 && i < end && b[i] === 0x2e;
}

function isGitHubPrefix(b: Uint8Array, at: number, end: number): boolean {
  if (at + 4 > end) return false;
  const kind = b[at + 2];
  if (b[at + 1] === 0x68 && b[at + 3] === 0x5f && (kind === 0x70 || kind === 0x6f || kind === 0x75 || kind === 0x73 || kind === 0x72)) return true;
  return hasText(b, at, end, "github_pat_");
}

function hasText(b: Uint8Array, at: number, end: number, text: string): boolean {
  if (at + text.length > end) return false;
  for (let k = 0; k < text.length; k++) if (b[at + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** ASCII case folding only, as a regex with the i flag and no u flag folds. */
function hasTextIgnoringCase(b: Uint8Array, at: number, end: number, lower: string): boolean {
  if (at + lower.length > end) return false;
  for (let k = 0; k < lower.length; k++) if ((b[at + k]! | 0x20) !== lower.charCodeAt(k)) return false;
  return true;
}
