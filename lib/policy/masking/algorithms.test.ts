import { describe, expect, it } from "vitest";
import type { MaskingMethod } from "../policy-document";
import { applyMaskingMethod, hashValue, maskInner, maskOuter } from "./algorithms";
import type { MaskingContext } from "./masking-context";

/** A stand-in keyed hash whose output is easy to predict: the value's code points in hex, padded. */
const fakeCtx: MaskingContext = {
  hmac: (data) => Array.from(new TextEncoder().encode(data), (b) => b.toString(16).padStart(2, "0")).join("").padEnd(64, "0"),
};
const apply = (value: string, method: MaskingMethod, format?: "plain" | "grouped" | "email") =>
  applyMaskingMethod(value, method, fakeCtx, format);

describe("full", () => {
  it("substitutes a fixed string whatever the value's length", () => {
    expect(apply("4111111111111111", { algorithm: "full" })).toBe("****");
    expect(apply("a", { algorithm: "full" })).toBe("****");
    expect(apply("", { algorithm: "full" })).toBe("****");
    expect(apply("s3cr3t", { algorithm: "full", replacement: "[redacted]" })).toBe("[redacted]");
  });
});

describe("partial", () => {
  it("keeps the first and last characters and masks each one between", () => {
    expect(apply("abcdefgh", { algorithm: "partial", keepFirst: 2, keepLast: 2 })).toBe("ab****gh");
    expect(apply("12345678", { algorithm: "partial", keepLast: 4 })).toBe("****5678");
    expect(apply("Patricia", { algorithm: "partial", keepFirst: 1 })).toBe("P*******");
    expect(apply("abcdefgh", { algorithm: "partial" })).toBe("********");
    expect(apply("abcdefgh", { algorithm: "partial", keepFirst: 1, keepLast: 1, replacement: "#" })).toBe("a######h");
  });

  it("never reveals a value whole: too short for the kept characters means all masked", () => {
    expect(apply("abcd", { algorithm: "partial", keepFirst: 2, keepLast: 2 })).toBe("****");
    expect(apply("abc", { algorithm: "partial", keepFirst: 2, keepLast: 2 })).toBe("***");
    expect(apply("1234", { algorithm: "partial", keepLast: 4 })).toBe("****");
    expect(apply("12345", { algorithm: "partial", keepLast: 4 })).toBe("*2345");
    expect(apply("A", { algorithm: "partial", keepFirst: 1 })).toBe("*");
    expect(apply("", { algorithm: "partial", keepFirst: 1 })).toBe("");
  });

  it("counts code points, not UTF-16 units", () => {
    expect(apply("😀😁😂🤣😃", { algorithm: "partial", keepFirst: 1, keepLast: 1 })).toBe("😀***😃");
    expect(apply("Zoë Müller", { algorithm: "partial", keepFirst: 1 })).toBe("Z*********");
    expect(apply("日本語テキスト", { algorithm: "partial", keepLast: 2 })).toBe("*****スト");
    // Two astral characters are four UTF-16 units: by units they would be "long enough" to keep 1+1.
    expect(apply("😀😁", { algorithm: "partial", keepFirst: 1, keepLast: 1 })).toBe("**");
  });

  it("keeps separators in place for grouped values and counts only what lies between them", () => {
    const last4 = { algorithm: "partial", keepLast: 4 } as const;
    expect(apply("4111 1111 1111 1111", last4, "grouped")).toBe("**** **** **** 1111");
    expect(apply("4111-1111-1111-1111", last4, "grouped")).toBe("****-****-****-1111");
    expect(apply("4111111111111111", last4, "grouped")).toBe("************1111");
    expect(apply("3782 822463 10005", last4, "grouped")).toBe("**** ****** *0005");
    const last2 = { algorithm: "partial", keepLast: 2 } as const;
    expect(apply("+14155550123", last2, "grouped")).toBe("+*********23");
    expect(apply("(415) 555-0123", last2, "grouped")).toBe("(***) ***-**23");
    expect(apply("415.555.0123", last2, "grouped")).toBe("***.***.**23");
    expect(apply("+44 7700 900123", last2, "grouped")).toBe("+** **** ****23");
    expect(apply("GB82 WEST 1234 5698 7654 32", { algorithm: "partial", keepFirst: 4, keepLast: 4 }, "grouped")).toBe(
      "GB82 **** **** **** **54 32",
    );
    // Plain would count the separators and keep "1 1111".
    expect(apply("4111 1111 1111 1111", { algorithm: "partial", keepLast: 6 })).toBe("*************1 1111");
  });

  it("masks a grouped value whole when it has too few characters between separators", () => {
    expect(apply("12-34", { algorithm: "partial", keepLast: 4 }, "grouped")).toBe("**-**");
  });

  it("masks an email's local part and keeps its domain", () => {
    const first1 = { algorithm: "partial", keepFirst: 1 } as const;
    expect(apply("john@example.com", first1, "email")).toBe("j***@example.com");
    expect(apply("j.smith+news@mail.example.co.uk", first1, "email")).toBe("j***********@mail.example.co.uk");
    expect(apply("zoë@example.de", first1, "email")).toBe("z**@example.de");
    // One character cannot be kept without showing the whole local part.
    expect(apply("j@example.com", first1, "email")).toBe("*@example.com");
    // The last "@" separates the domain.
    expect(apply("a@b@example.com", first1, "email")).toBe("a**@example.com");
  });

  it("treats an email-typed value without a usable @ as plain text", () => {
    const first1 = { algorithm: "partial", keepFirst: 1 } as const;
    expect(apply("not-an-email", first1, "email")).toBe("n***********");
    expect(apply("@example.com", first1, "email")).toBe("@***********");
    expect(apply("john@", first1, "email")).toBe("j****");
  });
});

describe("inner", () => {
  it("keeps bands of code points at both ends, separators included in the count", () => {
    expect(maskInner("abcdefgh", { algorithm: "inner", keepFirst: 2, keepLast: 2 })).toBe("ab****gh");
    expect(apply("4111 1111", { algorithm: "inner", keepLast: 4 })).toBe("*****1111");
    expect(apply("🙂abc🙂", { algorithm: "inner", keepFirst: 1, keepLast: 1, replacement: "x" })).toBe("🙂xxx🙂");
  });

  it("masks everything when the bands would cover the value", () => {
    expect(apply("abcd", { algorithm: "inner", keepFirst: 2, keepLast: 2 })).toBe("****");
    expect(apply("abc", { algorithm: "inner", keepFirst: 3 })).toBe("***");
  });
});

describe("outer", () => {
  it("masks bands at both ends and keeps the middle", () => {
    expect(maskOuter("abcdefgh", { algorithm: "outer", keepFirst: 2, keepLast: 2 })).toBe("**cdef**");
    expect(apply("abcdefgh", { algorithm: "outer", keepFirst: 3 })).toBe("***defgh");
    expect(apply("é1234é", { algorithm: "outer", keepFirst: 1, keepLast: 1 })).toBe("*1234*");
  });

  it("never reveals the whole value: no bands, or bands covering it, mask everything", () => {
    expect(apply("abcdefgh", { algorithm: "outer" })).toBe("********");
    expect(apply("abcdefgh", { algorithm: "outer", keepFirst: 0, keepLast: 0 })).toBe("********");
    expect(apply("abcd", { algorithm: "outer", keepFirst: 2, keepLast: 2 })).toBe("****");
  });
});

describe("hash", () => {
  it("renders the first 16 hex characters of the keyed hash behind a prefix", () => {
    // fakeCtx hex-encodes: "ab" -> "6162" padded with zeros.
    expect(apply("ab", { algorithm: "hash" })).toBe("h:6162000000000000");
    expect(hashValue("abcdefghij", fakeCtx)).toBe("h:6162636465666768");
  });

  it("refuses a keyed hash that does not return hex, rather than emitting a constant", () => {
    expect(() => hashValue("x", { hmac: () => "" })).toThrow(/hex/);
    expect(() => hashValue("x", { hmac: () => "not hex at all, sorry!" })).toThrow(/hex/);
  });
});

describe("null and unknown algorithms", () => {
  it("returns null for the null algorithm", () => {
    expect(apply("anything", { algorithm: "null" })).toBeNull();
  });

  it("throws on an algorithm it does not know", () => {
    expect(() => apply("x", { algorithm: "rot13" } as unknown as MaskingMethod)).toThrow(/Unknown masking algorithm "rot13"/);
  });
});
