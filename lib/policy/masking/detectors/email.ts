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

export const emailDetector: ContentDetector = { name: "email", find: findEmails };
