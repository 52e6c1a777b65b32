import { describe, expect, it } from "vitest";
import { decodeBinaryNumeric, readValueText, writeValueText } from "./value-types";

/** numeric_send's layout, for test values. */
function numeric(ndigits: number[], weight: number, sign: number, dscale: number): Buffer {
  const b = Buffer.alloc(8 + 2 * ndigits.length);
  b.writeInt16BE(ndigits.length, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(sign, 4);
  b.writeInt16BE(dscale, 6);
  ndigits.forEach((d, i) => b.writeInt16BE(d, 8 + 2 * i));
  return b;
}

describe("value types", () => {
  it("decodes binary numeric", () => {
    expect(decodeBinaryNumeric(numeric([4111, 1111, 1111, 1111], 3, 0, 0))).toBe("4111111111111111");
    expect(decodeBinaryNumeric(numeric([12, 3400], 0, 0x4000, 2))).toBe("-12.34");
    expect(decodeBinaryNumeric(numeric([5], -1, 0, 4))).toBe("0.0005");
    expect(decodeBinaryNumeric(numeric([1], 2, 0, 0))).toBe("100000000");
    expect(decodeBinaryNumeric(numeric([], 0, 0xc000, 0))).toBe("NaN");
  });

  it("reads jsonb's version byte and writes it back", () => {
    const v = Buffer.concat([Buffer.from([1]), Buffer.from('{"a": 1}')]);
    expect(readValueText(v, "jsonb", true)).toBe('{"a": 1}');
    expect(writeValueText('{"a": 1}', "jsonb", true)).toEqual(v);
    expect(() => readValueText(Buffer.from([2, 0x7b]), "jsonb", true)).toThrow(/version 2/);
  });

  it("reads bigint in binary as its digits, and has no text for plain types", () => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(4111111111111111n);
    expect(readValueText(b, "int8", true)).toBe("4111111111111111");
    expect(readValueText(Buffer.alloc(4), "plain", true)).toBeNull();
  });
});
