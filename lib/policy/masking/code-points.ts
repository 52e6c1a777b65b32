/**
 * Masking counts Unicode code points, not UTF-16 units: "é" or "😀" is one character to a reader,
 * and splitting a surrogate pair would both miscount and emit a broken string.
 * (Grapheme clusters made of several code points, such as "e" + U+0301 or flag emoji, still count
 * as several.)
 */
export function splitCodePoints(value: string): string[] {
  return Array.from(value);
}

/**
 * Replaces every code point whose position is not kept with `maskChar`.
 *
 * Only code points for which `isMaskable` holds take part: the others (separators in a card number)
 * stay where they are and do not count. `keepFirst`/`keepLast` count the taking-part ones. When
 * they would keep them all, everything is masked instead, so a short value is never revealed whole.
 */
export function maskKeepingEnds(
  chars: readonly string[],
  keepFirst: number,
  keepLast: number,
  maskChar: string,
  isMaskable: (char: string) => boolean = () => true,
): string {
  const total = chars.reduce((n, c) => (isMaskable(c) ? n + 1 : n), 0);
  const revealsAll = total <= keepFirst + keepLast;
  let seen = 0;
  let out = "";
  for (const c of chars) {
    if (!isMaskable(c)) {
      out += c;
      continue;
    }
    const isKept = !revealsAll && (seen < keepFirst || seen >= total - keepLast);
    out += isKept ? c : maskChar;
    seen++;
  }
  return out;
}
