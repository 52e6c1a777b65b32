import { describe, expect, it } from "vitest";
import { findCardNumbers, isLuhnValid } from "./card-number";

const found = (text: string) => findCardNumbers(text).map((s) => text.slice(s.start, s.end));

describe("isLuhnValid", () => {
  it("checks the mod 10 digit", () => {
    expect(isLuhnValid("4111111111111111")).toBe(true);
    expect(isLuhnValid("4111111111111112")).toBe(false);
    expect(isLuhnValid("378282246310005")).toBe(true);
    expect(isLuhnValid("378282246310006")).toBe(false);
  });
});

describe("card number detector", () => {
  it("finds Luhn-valid numbers of 13 to 19 digits, solid or grouped", () => {
    expect(found("4111111111111111")).toEqual(["4111111111111111"]);
    expect(found("card: 4111 1111 1111 1111, exp 12/27")).toEqual(["4111 1111 1111 1111"]);
    expect(found("5500-0000-0000-0004")).toEqual(["5500-0000-0000-0004"]);
    expect(found("amex 3782 822463 10005")).toEqual(["3782 822463 10005"]);
    expect(found("visa13 4222222222222.")).toEqual(["4222222222222"]);
    expect(found("19: 6011000000000000001")).toEqual(["6011000000000000001"]);
    expect(found('{"pan":"6011000990139424","n":1}')).toEqual(["6011000990139424"]);
    expect(found("x4111111111111111y")).toEqual(["4111111111111111"]);
  });

  it("finds each card in a list", () => {
    expect(found("{4111111111111111,5500000000000004}")).toEqual(["4111111111111111", "5500000000000004"]);
    expect(found("4111111111111111 5500000000000004")).toEqual(["4111111111111111", "5500000000000004"]);
  });

  it("does not take a Luhn-invalid number for a card", () => {
    expect(found("4111111111111112")).toEqual([]);
    expect(found("4111 1111 1111 1112")).toEqual([]);
  });

  it("ignores numbers of the wrong length, zero-led ids, decimals and mixed separators", () => {
    expect(found("411111111111")).toEqual([]); // 12 digits
    expect(found("41111111111111111111")).toEqual([]); // 20 digits, a longer number
    expect(found("0000123456789015")).toEqual([]); // Luhn-valid, but zero-padded
    expect(found("total 4111111111111111.50")).toEqual([]);
    expect(found("pi 3.4111111111111111")).toEqual([]);
    expect(found("4111 1111-1111 1111")).toEqual([]);
    expect(found("41 11 11 11 11 11 11 11")).toEqual([]); // groups too small to be a card's
    expect(found("2024-01-15 12:30:45, order 1234567")).toEqual([]);
  });

  it("masks the whole run when overlapping windows of it pass Luhn, so no card digit is left out", () => {
    // "1004 4111 1111 1111" and "4111 1111 1111 1111" both pass Luhn.
    expect(found("ref 1004 4111 1111 1111 1111 end")).toEqual(["1004 4111 1111 1111 1111"]);
    // Only one window passes: only it is a card.
    expect(found("ref 1234 4111 1111 1111 1111 end")).toEqual(["4111 1111 1111 1111"]);
  });
});

/** The detector as first written (regexes and group arrays), kept as the reference the faster one must agree with. */
function referenceFindCardNumbers(text: string): { start: number; end: number }[] {
  const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  if ([...text].filter((c) => isDigit(c)).length < 13) return [];
  const spans: { start: number; end: number }[] = [];
  for (const m of text.matchAll(/\d+(?:[ -]\d+)*/g)) {
    const [start, end] = [m.index, m.index + m[0].length];
    if ((text[start - 1] === "." && isDigit(text[start - 2])) || (text[end] === "." && isDigit(text[end + 1]))) continue;
    const groups = [...m[0].matchAll(/\d+/g)].map((g) => ({ start: start + g.index, end: start + g.index + g[0].length, digits: g[0], separator: m[0][g.index - 1] ?? "" }));
    const found: { start: number; end: number }[] = [];
    for (let i = 0; i < groups.length; i++) {
      let digits = "";
      for (let j = i; j < groups.length; j++) {
        const g = groups[j]!;
        if (j > i && g.separator !== groups[i + 1]!.separator) break;
        digits += g.digits;
        if (digits.length > 19) break;
        if (j > i && !groups.slice(i, j + 1).every((x) => x.digits.length >= 3 && x.digits.length <= 6)) break;
        if (digits.length >= 13 && digits[0] !== "0" && isLuhnValid(digits)) {
          const last = found[found.length - 1];
          if (last && groups[i]!.start <= last.end) last.end = Math.max(last.end, g.end);
          else found.push({ start: groups[i]!.start, end: g.end });
        }
      }
    }
    spans.push(...found);
  }
  return spans;
}

describe("card number detector, against its first version", () => {
  it("finds the same spans in random runs of digits, separators and text", () => {
    let s = 11;
    const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const parts = ["4111", "1111", "5500", "0000", "0004", "3782", "822463", "10005", "1", "12", "0", " ", "-", ".", "x", "  ", "4", "411111", "9"];
    const differing: string[] = [];
    for (let n = 0; n < 4000; n++) {
      let text = "";
      const count = 1 + Math.floor(next() * 14);
      for (let i = 0; i < count; i++) text += parts[Math.floor(next() * parts.length)];
      const [got, wanted] = [findCardNumbers(text), referenceFindCardNumbers(text)];
      if (JSON.stringify(got) !== JSON.stringify(wanted)) differing.push(`${JSON.stringify(text)}: ${JSON.stringify(got)} instead of ${JSON.stringify(wanted)}`);
    }
    expect(differing.slice(0, 5)).toEqual([]);
  });
});
