/**
 * Warden classifies SQL text as PostgreSQL reads it with a UTF-8-compatible client encoding and
 * standard_conforming_strings on. Two settings would make the server read the same bytes as other
 * statements than the classifier saw:
 * - a client encoding whose multibyte characters can end in an ASCII byte (SJIS, BIG5, GBK, UHC,
 *   GB18030, JOHAB, SHIFT_JIS_2004): `E'<0x95 0x5c>' ; DELETE ...` is one string literal to a UTF-8
 *   reader and a SELECT followed by a DELETE to the server;
 * - standard_conforming_strings off: a backslash in '...' escapes, and a string ends elsewhere.
 * A session must never enter either state.
 * https://www.postgresql.org/docs/current/multibyte.html#MULTIBYTE-CHARSET-SUPPORTED
 */

/**
 * Every name PostgreSQL accepts for an encoding whose characters can hide an ASCII byte, as its
 * encoding lookup cleans names (letters and digits only, lower case): src/common/encnames.c.
 */
const ASCII_UNSAFE_ENCODINGS = new Set([
  "big5",
  "win950",
  "windows950",
  "gb18030",
  "gbk",
  "win936",
  "windows936",
  "johab",
  "mskanji",
  "shiftjis",
  "sjis",
  "win932",
  "windows932",
  "shiftjis2004",
  "uhc",
  "win949",
  "windows949",
]);

/** PostgreSQL's clean_encoding_name: letters and digits only, ASCII lower case. */
function cleanEncodingName(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, "").replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Whether a client_encoding value names an encoding the classifier cannot follow. */
export function isUnreadableEncoding(name: string): boolean {
  return ASCII_UNSAFE_ENCODINGS.has(cleanEncodingName(name));
}

/** PostgreSQL's parse_bool: what reads as true (anything else is false, or refused by the server). */
export function isTrueText(value: string): boolean {
  return /^(t|tr|tru|true|y|ye|yes|on|1)$/i.test(value);
}

/**
 * Setting `name` (lower case) to `value` would make the server read SQL differently from Warden:
 * the reason, or null. Used for SET statements and for the settings a session reports.
 */
export function unreadableSetting(name: string, value: string): string | null {
  if (name === "client_encoding" && isUnreadableEncoding(value)) return `client_encoding ${value} can hide ASCII characters inside multibyte ones`;
  if (name === "standard_conforming_strings" && !isTrueText(value)) return "standard_conforming_strings off makes backslashes in strings escape characters";
  return null;
}
