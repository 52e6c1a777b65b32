import { describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import { matchColumn } from "@/lib/policy/masking";
import { createNodeMaskingContext } from "@/lib/policy/masking/keyed-hash-node";
import { compileMasking, createRowMasker, maskCell, planColumn, UNCHANGED } from "./result-masking";

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
});
