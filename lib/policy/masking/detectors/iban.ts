import type { ContentDetector, DetectedSpan } from "./detected-span";
import { IBAN_LENGTHS } from "./iban-lengths";

/** A country code and two check digits, not inside a longer word. */
const IBAN_START = /(?<![A-Za-z0-9])([A-Za-z]{2})\d{2}/g;

/** ISO 7064 mod 97-10 over the IBAN with its first four characters moved to the end. */
export function isIbanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged.toUpperCase()) {
    const code = c.charCodeAt(0);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/**
 * IBANs, solid ("DE89370400440532013000") or printed with single spaces ("GB82 WEST 1234 5698 7654
 * 32"), in either case, of the registry length for their country and with a valid checksum. The
 * length is known from the country, so the span stops there even when more text follows.
 */
export function findIbans(text: string): DetectedSpan[] {
  if (text.length < 15) return [];
  const spans: DetectedSpan[] = [];
  // `lastIndex` is moved past each IBAN found; it is back at 0 for the next call.
  const start = IBAN_START;
  start.lastIndex = 0;
  try {
    for (let m = start.exec(text); m; m = start.exec(text)) {
      const length = IBAN_LENGTHS[m[1]!.toUpperCase()];
      const read = length === undefined ? null : readIban(text, m.index, length);
      if (read && isIbanChecksumValid(read.iban)) {
        spans.push({ start: m.index, end: read.end });
        start.lastIndex = read.end;
      }
    }
  } finally {
    start.lastIndex = 0;
  }
  return spans;
}

export const ibanDetector: ContentDetector = { name: "iban", find: findIbans };

/** Collects `length` alphanumerics from `start`, allowing one space between them. */
function readIban(text: string, start: number, length: number): { iban: string; end: number } | null {
  let iban = "";
  let i = start;
  while (iban.length < length && i < text.length) {
    const c = text[i]!;
    if (isAlphanumeric(c)) {
      iban += c;
      i++;
    } else if (c === " " && isAlphanumeric(text[i + 1])) {
      i++;
    } else break;
  }
  if (iban.length < length || isAlphanumeric(text[i])) return null;
  return { iban, end: i };
}

function isAlphanumeric(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9]$/.test(c);
}
