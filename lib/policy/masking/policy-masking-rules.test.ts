import { describe, expect, it } from "vitest";
import { policyDocumentSchema } from "../policy-document";

/** The policy document's masking checks, which the matchers in this folder rely on. */
const withMasking = (masking: object) => policyDocumentSchema.safeParse({ version: 1, masking });
const messages = (r: ReturnType<typeof withMasking>) => (r.success ? [] : r.error.issues.map((i) => i.message));

describe("policy document: masking section", () => {
  it("accepts built-in types, an admin's own, and an override of a built-in", () => {
    const r = withMasking({
      semanticTypes: [
        { id: "employee_code", label: "Employee code", method: { algorithm: "partial", keepFirst: 2 } },
        { id: "card_number", label: "Card (hashed)", method: { algorithm: "hash" } },
      ],
      columnRules: [{ column: "public.staff.code", semanticType: "employee_code" }],
      namePatterns: [{ pattern: "*email*", semanticType: "email" }],
      detectors: [{ detector: "card_number", isEnabled: true, semanticType: "card_number" }],
    });
    expect(messages(r)).toEqual([]);
  });

  it("refuses a type defined twice", () => {
    const r = withMasking({
      semanticTypes: [
        { id: "code", label: "A", method: { algorithm: "full" } },
        { id: "code", label: "B", method: { algorithm: "null" } },
      ],
    });
    expect(messages(r)).toEqual(['Semantic type "code" is defined twice.']);
  });

  it("refuses two rules for one column, in any case", () => {
    const r = withMasking({
      columnRules: [
        { column: "public.customers.email", semanticType: "email" },
        { column: "public.Customers.EMAIL", semanticType: "secret" },
      ],
    });
    expect(messages(r)).toEqual(['Column "public.Customers.EMAIL" has two rules.']);
  });

  it("refuses a rule naming an unknown type", () => {
    const r = withMasking({ namePatterns: [{ pattern: "*x*", semanticType: "nope" }] });
    expect(messages(r)).toEqual(['Unknown semantic type "nope".']);
  });
});
