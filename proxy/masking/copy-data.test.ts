import { describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { createCopyMasker, decodeCsvField, decodeTextField, encodeCsvField, encodeTextField } from "./copy-data";
import type { CopyFormat } from "./copy-statement";
import { compileMasking, planColumn, type ColumnPlan } from "./result-masking";

const m = compileMasking(1, demoPolicy().masking, createNodeMaskingContext(Buffer.alloc(32, 7)));
const email = planColumn(m, { semanticType: "email", matchedBy: "column_rule", rule: "public.customers.email" }, "text", false);
const detect = planColumn(m, null, "text", false);
const pass: ColumnPlan = { kind: "pass" };
const TEXT: CopyFormat = { format: "text", delimiter: "\t", nullString: "\\N", quote: '"', escape: '"', header: false, encoding: null };
const CSV: CopyFormat = { ...TEXT, format: "csv", delimiter: ",", nullString: "" };

function masker(format: CopyFormat, plans: ColumnPlan[]) {
  const findings: [number, number][] = [];
  const mk = createCopyMasker(format, plans, m, (column, row) => findings.push([column, row]));
  return { mask: (s: string) => mk.mask(Buffer.from(s)).toString(), findings };
}

describe("COPY text format", () => {
  it("masks by column, leaves other fields byte for byte, keeps NULLs", () => {
    const { mask, findings } = masker(TEXT, [pass, email, detect]);
    expect(mask("1\tann@example.com\tcall +14155550123\n")).toBe("1\ta**@example.com\tcall +*********23\n");
    expect(mask("2\t\\N\t\\N\n")).toBe("2\t\\N\t\\N\n");
    expect(findings).toEqual([[2, 0]]);
  });

  it("returns the very buffer when nothing was masked", () => {
    const mk = createCopyMasker(TEXT, [pass, detect], m, () => {});
    const data = Buffer.from("1\tnothing here\n");
    expect(mk.mask(data)).toBe(data);
  });

  it("undoes and redoes backslash escapes around a masked value", () => {
    const { mask } = masker(TEXT, [detect]);
    expect(mask("to ann@example.com\\tor\\\\back\\nthen\n")).toBe("to a**@example.com\\tor\\\\back\\nthen\n");
    expect(decodeTextField(Buffer.from("a\\tb\\\\c\\101\\x42\\,"))).toBe("a\tb\\cAB,");
    expect(encodeTextField("a\tb\\c\nd|e", "|")).toBe("a\\tb\\\\c\\nd\\|e");
  });

  it("passes the header line through", () => {
    const { mask } = masker({ ...TEXT, header: true }, [email]);
    expect(mask("email\n")).toBe("email\n");
    expect(mask("ann@example.com\n")).toBe("a**@example.com\n");
  });

  it("refuses what it cannot read: a row cut short, a different field count, another encoding", () => {
    expect(() => masker(TEXT, [email]).mask("ann@example.com")).toThrow(/ends inside a row/);
    expect(() => masker(TEXT, [email, pass]).mask("ann@example.com\n")).toThrow(/1 fields, expected 2/);
    expect(() => createCopyMasker({ ...TEXT, encoding: "LATIN1" }, [email], m, () => {}).mask(Buffer.from("x\n"))).toThrow(/ENCODING/);
  });
});

describe("COPY CSV", () => {
  it("masks quoted and unquoted fields and quotes what it writes; an empty unquoted field is NULL", () => {
    const { mask } = masker(CSV, [pass, email, detect]);
    expect(mask('1,ann@example.com,"ann@example.com, ""quoted"""\n')).toBe('1,"a**@example.com","a**@example.com, ""quoted"""\n');
    expect(mask('2,,""\n')).toBe('2,,""\n');
  });

  it("handles quoted newlines and a distinct escape character", () => {
    const { mask } = masker({ ...CSV, escape: "\\" }, [detect]);
    expect(mask('"line one\nann@example.com \\"x\\""\n')).toBe('"line one\na**@example.com \\"x\\""\n');
    expect(decodeCsvField(Buffer.from('"a\\"b\\\\c"'), '"', "\\")).toBe('a"b\\c');
    expect(encodeCsvField('a"b\\c', '"', "\\")).toBe('"a\\"b\\\\c"');
    expect(encodeCsvField('a"b', '"', '"')).toBe('"a""b"');
  });
});

describe("COPY binary", () => {
  const header = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
  const tuple = (...fields: (Buffer | null)[]) => {
    const parts: Buffer[] = [Buffer.from([0, fields.length])];
    for (const f of fields) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(f ? f.length : -1);
      parts.push(len);
      if (f) parts.push(f);
    }
    return Buffer.concat(parts);
  };
  const int4 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };

  it("masks text fields in place, nulls masked fields of other types, and keeps the trailer", () => {
    const idRule = planColumn(m, { semanticType: "secret", matchedBy: "column_rule", rule: "public.t.id" }, "plain", true);
    const textEmail = planColumn(m, { semanticType: "email", matchedBy: "column_rule", rule: "public.t.email" }, "text", true);
    const mk = createCopyMasker({ ...TEXT, format: "binary" }, [idRule, textEmail, { kind: "pass" }], m, () => {});
    const first = mk.mask(Buffer.concat([header, tuple(int4(1), Buffer.from("ann@example.com"), null)]));
    expect(first).toEqual(Buffer.concat([header, tuple(null, Buffer.from("a**@example.com"), null)]));
    const trailer = Buffer.from([0xff, 0xff]);
    expect(mk.mask(trailer)).toBe(trailer);
  });

  it("refuses data without the signature", () => {
    const mk = createCopyMasker({ ...TEXT, format: "binary" }, [email], m, () => {});
    expect(() => mk.mask(Buffer.from("not binary copy data"))).toThrow(/signature/);
  });
});
