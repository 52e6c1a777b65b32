/** A piece of text, and whether it is a match of the search. */
export type TextPart = { text: string; isMatch: boolean };

/**
 * Splits `text` around every occurrence of `query`, compared case-insensitively (as the search's
 * ILIKE does), so the UI can mark the matches without building HTML from user data.
 */
export function splitMatches(text: string, query: string): TextPart[] {
  const needle = query.toLowerCase();
  if (!needle) return text ? [{ text, isMatch: false }] : [];
  const haystack = text.toLowerCase();
  const parts: TextPart[] = [];
  let at = 0;
  for (let found = haystack.indexOf(needle); found !== -1; found = haystack.indexOf(needle, found + needle.length)) {
    if (found > at) parts.push({ text: text.slice(at, found), isMatch: false });
    parts.push({ text: text.slice(found, found + needle.length), isMatch: true });
    at = found + needle.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), isMatch: false });
  return parts;
}

/** `%`, `_` and the escape character itself, escaped for LIKE/ILIKE (default escape: backslash). */
export function escapeLikePattern(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The ILIKE pattern for "contains `s`". */
export function containsPattern(s: string): string {
  return `%${escapeLikePattern(s)}%`;
}
