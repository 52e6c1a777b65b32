import { serialize } from "pg-protocol";
import { describe, expect, it } from "vitest";
import { decodeBind, decodeParse } from "./frontend-messages";

/** A Bind frame written field by field, so counts and formats can be anything the wire allows. */
function bindFrame(opts: { formats: number[]; values: (string | null)[]; resultFormats: number[] }): Buffer {
  const parts: Buffer[] = [Buffer.from("p1\0s1\0")];
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n & 0xffff);
    return b;
  };
  parts.push(u16(opts.formats.length), ...opts.formats.map(u16), u16(opts.values.length));
  for (const v of opts.values) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(v === null ? -1 : Buffer.byteLength(v));
    parts.push(len);
    if (v !== null) parts.push(Buffer.from(v));
  }
  parts.push(u16(opts.resultFormats.length), ...opts.resultFormats.map(u16));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head[0] = 0x42;
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

describe("frontend message counts are unsigned 16-bit, as PostgreSQL reads them", () => {
  it.each([0, 1, 32_767, 32_768, 65_535])("Parse with %i parameter types", (n) => {
    const types = Array.from({ length: n }, (_, i) => (i % 2 ? 23 : 0));
    const m = decodeParse(serialize.parse({ name: "s", text: "select 1", types }));
    expect(m.paramTypes).toHaveLength(n);
    expect(m.paramTypes.slice(-2)).toEqual(types.slice(-2));
  });

  it.each([32_767, 32_768, 65_535])("Bind with %i parameters, one format each, and as many result formats", (n) => {
    const values = Array.from({ length: n }, (_, i) => (i === n - 1 ? null : String(i)));
    const formats = values.map((_, i) => i % 2);
    const m = decodeBind(bindFrame({ formats, values, resultFormats: formats }));
    expect(m.values).toHaveLength(n);
    expect(m.values[n - 2]?.toString()).toBe(String(n - 2));
    expect(m.values[n - 1]).toBeNull();
    expect(m.paramFormats.slice(0, 3)).toEqual([0, 1, 0]);
    expect(m.resultFormats).toHaveLength(n);
  });

  it("a format code stays signed: 0xFFFF is -1, which the server refuses as an unknown format", () => {
    const m = decodeBind(bindFrame({ formats: [0xffff], values: ["1"], resultFormats: [0xffff] }));
    expect(m.paramFormats).toEqual([-1]);
    expect(m.resultFormats).toEqual([-1]);
  });

  it("still refuses a count the message does not hold", () => {
    const frame = bindFrame({ formats: [], values: ["1", "2"], resultFormats: [] });
    // Claim 65,535 values where there are two.
    frame.writeUInt16BE(0xffff, 5 + "p1\0s1\0".length + 2);
    expect(() => decodeBind(frame)).toThrow(/invalid Bind message format/);
  });
});
