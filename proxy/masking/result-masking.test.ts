import { describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import { matchColumn } from "@/lib/policy/masking";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { decodeDataRow, encodeDataRow } from "../protocol/backend-decoders";
import { compileMasking, createRowMasker, maskCell, planColumn, UNCHANGED, type ColumnPlan } from "./result-masking";

const m = compileMasking(1, demoPolicy().masking, createNodeMaskingContext(Buffer.alloc(32, 7)));
const rule = (semanticType: string) => ({ semanticType, matchedBy: "column_rule" as const, rule: `public.customers.${semanticType}` });

describe("result masking", () => {
  it("prefers a column rule on any source over a name pattern", () => {
    const withPattern = compileMasking(1, { ...demoPolicy().masking, namePatterns: [{ pattern: "contact", semanticType: "secret" }] }, createNodeMaskingContext(Buffer.alloc(32, 7)));
    const view = { schema: "public", table: "customer_contacts", column: "contact" };
    const base = { schema: "public", table: "customers", column: "email" };
    expect(matchColumn(withPattern, [view, base], "contact")).toMatchObject({ matchedBy: "column_rule", semanticType: "email" });
    expect(matchColumn(withPattern, [view], "contact")).toMatchObject({ matchedBy: "name_pattern", semanticType: "secret" });
    expect(matchColumn(withPattern, [], "nothing")).toBeNull();
  });

  it("refuses a policy whose rule names a type nobody defined", () => {
    expect(() => compileMasking(1, { ...demoPolicy().masking, columnRules: [{ column: "a.b.c", semanticType: "nope" }] }, createNodeMaskingContext(Buffer.alloc(32, 7)))).toThrow(/unknown semantic type "nope"/);
  });

  it("masks by class and format: text in place, JSON as a JSON string, other binary types as NULL", () => {
    expect(maskCell(Buffer.from("ann@example.com"), planColumn(m, rule("email"), "text", false), m)).toEqual(Buffer.from("a**@example.com"));
    expect(maskCell(Buffer.from('"ann@example.com"'), planColumn(m, rule("secret"), "json", false), m)).toEqual(Buffer.from('"[redacted]"'));
    expect(maskCell(Buffer.from([1, 0x22, 0x61, 0x22]), planColumn(m, rule("secret"), "jsonb", true), m)).toEqual(Buffer.concat([Buffer.from([1]), Buffer.from('"[redacted]"')]));
    expect(maskCell(Buffer.alloc(4), planColumn(m, rule("secret"), "plain", true), m)).toBeNull();
  });

  it("keeps JSON valid when a detector masks a number inside it", () => {
    const out = maskCell(Buffer.from('{"card": 4111111111111111}'), planColumn(m, null, "json", false), m);
    expect(JSON.parse((out as Buffer).toString())).toBe('{"card": ************1111}');
    const inString = maskCell(Buffer.from('{"card": "4111111111111111"}'), planColumn(m, null, "jsonb", false), m);
    expect(JSON.parse((inString as Buffer).toString())).toEqual({ card: "************1111" });
  });

  it("does not run detectors on types that cannot hold a finding, nor on bytea", () => {
    expect(planColumn(m, null, "plain", false)).toEqual({ kind: "pass" });
    expect(planColumn(m, null, "bytea", false)).toEqual({ kind: "pass" });
    expect(maskCell(Buffer.from("nothing to see"), planColumn(m, null, "text", false), m)).toBe(UNCHANGED);
  });

  it("for an exempt session, passes rows as they are and masks only what is recorded", () => {
    const plans = [planColumn(m, rule("email"), "text", false), planColumn(m, null, "text", false)];
    const exempt = createRowMasker(plans, ["email", "notes"], m, { group: "support", expiresAt: null, reason: "" })!;
    const row = [Buffer.from("ann@example.com"), Buffer.from("call +14155550123")];
    expect(exempt.transformRow(row)).toBe(row);
    expect(exempt.recordRow!(row).map((v) => v!.toString())).toEqual(["a**@example.com", "call +*********23"]);
    expect(exempt.maskedColumns!()).toEqual([
      { index: 0, name: "email", matchedBy: "column_rule", semanticTypes: ["email"], rule: "public.customers.email", exemptGroup: "support" },
      { index: 1, name: "notes", matchedBy: "detector", semanticTypes: ["phone"], rule: null, detectors: ["phone"], rows: [0], exemptGroup: "support" },
    ]);
  });

  it("needs no filter when no column can be masked", () => {
    expect(createRowMasker([{ kind: "pass" }], ["id"], m, null)).toBeUndefined();
  });

  it("masks a whole frame as transformRow masks its values, in place where the lengths allow", () => {
    const withFull = compileMasking(
      1,
      { ...demoPolicy().masking, semanticTypes: [{ id: "secret", label: "Secret", method: { algorithm: "full", replacement: "[redacted]" } }, { id: "hashed", label: "Hashed", method: { algorithm: "hash" } }] },
      createNodeMaskingContext(Buffer.alloc(32, 7)),
    );
    const plans: ColumnPlan[] = [
      { kind: "pass" },
      planColumn(withFull, rule("email"), "text", false),
      planColumn(withFull, rule("card_number"), "text", false),
      planColumn(withFull, rule("secret"), "text", false),
      planColumn(withFull, rule("hashed"), "text", false),
      planColumn(withFull, null, "text", false),
      planColumn(withFull, null, "jsonb", true),
      planColumn(withFull, null, "json", false),
      planColumn(withFull, rule("secret"), "plain", true),
    ];
    const names = plans.map((_, i) => `c${i}`);
    const rows: (string | Buffer | null)[][] = [
      ["1", "ann@example.com", "4111 1111 1111 1111", "s3cret", "x", "call +14155550123", Buffer.from([1, ...Buffer.from('{"a":"123-45-6789"}')]), '{"card": 4111111111111111}', Buffer.alloc(4)],
      ["2", "zoë@exämple.de", "4111-1111-1111-1111", null, "y", "nothing here", Buffer.from([1, ...Buffer.from("{}")]), "{}", null],
      ["3", null, "", "", "", "mail ann@example.com, card 5500 0000 0000 0004 or ☎ +44 20 7946 0958", null, '"x"', Buffer.alloc(4)],
      ["5", "bob@example.org", "5500 0000 0000 0004", "z", "w", "mail ann@example.com, card 5500 0000 0000 0004, ssn 123-45-6789, +14155550123", null, "1", null],
      ["6", "x", "x", "x", "x", "key AKIAIOSFODNN7EXAMPLE and DE89370400440532013000", null, '{"k":"AKIAIOSFODNN7EXAMPLE"}', null],
      [],
      ["4"],
    ];
    const byValues = createRowMasker(plans, names, withFull, null)!;
    const byFrames = createRowMasker(plans, names, withFull, null)!;
    for (const r of rows) {
      const values = r.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v)));
      const wanted = encodeDataRow(byValues.transformRow(decodeDataRow(encodeDataRow(values))));
      const frame = encodeDataRow(values);
      const got = byFrames.transformFrame!(frame);
      expect(got.toString("hex"), JSON.stringify(r)).toBe(wanted.toString("hex"));
      if (got.equals(frame) && got.buffer === frame.buffer && got !== frame) expect(got.byteOffset).toBe(frame.byteOffset);
    }
    // The same columns, types and detectors; rows the recording does not keep are not listed.
    const unlisted = byValues.maskedColumns!()!.map((c) => (c.matchedBy === "detector" ? { ...c, rows: [], rowsTruncated: true } : c));
    expect(byFrames.maskedColumns!()).toEqual(unlisted);
  });

  it("lists the rows with findings among those the recording keeps, and says when more had some", () => {
    const masker = createRowMasker([planColumn(m, null, "text", false)], ["notes"], m, null)!;
    const row = (text: string) => [Buffer.from(text)];
    // Rows 0 and 1 are recorded (transformRow), the rest are not (transformFrame).
    masker.transformRow(row("nothing"));
    masker.transformRow(row("call +14155550123"));
    masker.transformFrame!(encodeDataRow(row("nothing")));
    expect(masker.maskedColumns!()).toEqual([{ index: 0, name: "notes", matchedBy: "detector", semanticTypes: ["phone"], rule: null, detectors: ["phone"], rows: [1] }]);
    masker.transformFrame!(encodeDataRow(row("mail ann@example.com")));
    expect(masker.maskedColumns!()).toEqual([
      { index: 0, name: "notes", matchedBy: "detector", semanticTypes: ["email", "phone"], rule: null, detectors: ["email", "phone"], rows: [1], rowsTruncated: true },
    ]);
  });

  it("masks in place (the frame itself, its bytes changed) when only lengths-keeping masks apply, and returns the frame untouched when nothing needs masking", () => {
    const plans = [planColumn(m, rule("email"), "text", false), planColumn(m, null, "text", false)];
    const masker = createRowMasker(plans, ["email", "notes"], m, null)!;
    const frame = encodeDataRow([Buffer.from("ann@example.com"), Buffer.from("nothing")]);
    const masked = masker.transformFrame!(frame);
    expect(masked).toBe(frame);
    expect(decodeDataRow(masked).map((v) => v!.toString())).toEqual(["a**@example.com", "nothing"]);
    const untouched = encodeDataRow([null, Buffer.from("nothing")]);
    const before = Buffer.from(untouched);
    expect(masker.transformFrame!(untouched)).toBe(untouched);
    expect(untouched.equals(before)).toBe(true);
  });

  it("refuses a DataRow frame whose lengths run past its end", () => {
    const masker = createRowMasker([planColumn(m, rule("email"), "text", false)], ["email"], m, null)!;
    const frame = encodeDataRow([Buffer.from("ann@example.com")]);
    expect(() => masker.transformFrame!(frame.subarray(0, frame.length - 2))).toThrow(/invalid length in DataRow/);
  });
});
