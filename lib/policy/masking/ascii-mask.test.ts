import { describe, expect, it } from "vitest";
import type { MaskingMethod } from "../policy-document";
import { applyMaskingMethod } from "./algorithms";
import { createAsciiMasker } from "./ascii-mask";
import type { MaskingContext } from "./masking-context";
import { VALUE_FORMATS, type ValueFormat } from "./partial-mask";

const ctx: MaskingContext = { hmac: () => "0".repeat(64) };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Masks `text` inside a larger buffer (bytes around it must stay), as the gateway does with a row. */
function maskInBuffer(text: string, method: MaskingMethod, format: ValueFormat): string | null {
  const masker = createAsciiMasker(method, format);
  if (!masker) return null;
  const value = encoder.encode(text);
  const buf = new Uint8Array(value.length + 4);
  buf.set([1, 2], 0);
  buf.set(value, 2);
  buf.set([3, 4], 2 + value.length);
  if (!masker(buf, 2, 2 + value.length)) return null;
  expect([...buf.subarray(0, 2), ...buf.subarray(2 + value.length)]).toEqual([1, 2, 3, 4]);
  return decoder.decode(buf.subarray(2, 2 + value.length));
}

/** A deterministic generator, so a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const ALPHABET = "ab9 -.()/+@\t_xZ07";

describe("createAsciiMasker", () => {
  it("masks exactly as applyMaskingMethod does, for every length-keeping method and format", () => {
    const next = random(42);
    const methods: MaskingMethod[] = [];
    for (const algorithm of ["partial", "inner", "outer"] as const) {
      for (const keepFirst of [undefined, 0, 1, 2, 4]) {
        for (const keepLast of [undefined, 0, 1, 4]) {
          for (const replacement of [undefined, "#"]) methods.push({ algorithm, keepFirst, keepLast, replacement });
        }
      }
    }
    let compared = 0;
    const differing: string[] = [];
    for (let n = 0; n < 120; n++) {
      const length = Math.floor(next() * 24);
      let text = "";
      for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
      for (const method of methods) {
        for (const format of VALUE_FORMATS) {
          const [got, wanted] = [maskInBuffer(text, method, format), applyMaskingMethod(text, method, ctx, format)];
          if (got !== wanted) differing.push(`${JSON.stringify(text)} ${JSON.stringify(method)} ${format}: ${got} instead of ${wanted}`);
          compared++;
        }
      }
    }
    expect(differing.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(40_000);
  });

  it("masks the bench's values and the documented examples alike", () => {
    expect(maskInBuffer("person1@example.com", { algorithm: "partial", keepFirst: 1 }, "email")).toBe("p******@example.com");
    expect(maskInBuffer("4111 1111 1111 1111", { algorithm: "partial", keepLast: 4 }, "grouped")).toBe("**** **** **** 1111");
    expect(maskInBuffer("+1 555 0000001", { algorithm: "partial", keepLast: 2 }, "grouped")).toBe("+* *** *****01");
  });

  it("leaves a value that is not all ASCII to the string path, untouched", () => {
    const masker = createAsciiMasker({ algorithm: "partial", keepFirst: 1 }, "email")!;
    const buf = encoder.encode("zoë@exämple.de");
    const before = [...buf];
    expect(masker(buf, 0, buf.length)).toBe(false);
    expect([...buf]).toEqual(before);
  });

  it("has no byte masker for methods that change the length or a mask that is not one ASCII byte", () => {
    expect(createAsciiMasker({ algorithm: "full" }, "plain")).toBeNull();
    expect(createAsciiMasker({ algorithm: "hash" }, "plain")).toBeNull();
    expect(createAsciiMasker({ algorithm: "null" }, "plain")).toBeNull();
    expect(createAsciiMasker({ algorithm: "partial", replacement: "" }, "plain")).toBeNull();
    expect(createAsciiMasker({ algorithm: "partial", replacement: "##" }, "plain")).toBeNull();
    expect(createAsciiMasker({ algorithm: "partial", replacement: "•" }, "plain")).toBeNull();
  });
});
