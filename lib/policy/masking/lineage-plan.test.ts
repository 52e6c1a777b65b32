import { describe, expect, it } from "vitest";
import type { ColumnLineage, LineageSource } from "../lineage/lineage-types";
import { policyDocumentSchema } from "../policy-document";
import { compileMaskingPolicy, maskColumnText, type ColumnPlan } from "./column-plan";
import { planLineageColumn, strongestTransformedType } from "./lineage-plan";
import type { MaskingContext } from "./masking-context";
import { resolveSemanticType } from "./semantic-types";

const ctx: MaskingContext = { hmac: () => "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" };
const compile = (masking: Record<string, unknown>) => compileMaskingPolicy(policyDocumentSchema.parse({ version: 1, masking }).masking, ctx);
const src = (table: string, column: string, schema = "public"): LineageSource => ({ schema, table, column });
const email = src("customers", "email");
const card = src("customers", "card_number");
const note = src("customers", "note");

const m = compile({
  columnRules: [
    { column: "public.customers.email", semanticType: "email" },
    { column: "public.customers.card_number", semanticType: "card_number" },
  ],
  namePatterns: [{ pattern: "*phone*", semanticType: "phone" }],
  detectors: [{ detector: "email", isEnabled: true, semanticType: "email" }],
});
const plan = (lineage: ColumnLineage, name = "x", cls: "text" | "plain" | "int8" = "text", policy = m) => planLineageColumn(policy, lineage, name, cls);
const masked = (p: ColumnPlan, value: string) => (p.kind === "pass" ? value : (maskColumnText(value, p, m)?.text ?? value));

describe("planLineageColumn", () => {
  it("keeps a direct source's own rule and method", () => {
    const p = plan({ kind: "direct", sources: [email] }, "e");
    expect(p).toMatchObject({ kind: "rule", match: { matchedBy: "column_rule", rule: "public.customers.email" }, type: { id: "email" } });
    expect(masked(p, "john@example.com")).toBe("j***@example.com");
  });

  it("masks a column computed from a masked column with the type's transformed mask (full by default)", () => {
    const p = plan({ kind: "derived", sources: [email] }, "reverse");
    expect(p).toMatchObject({ kind: "rule", type: { id: "email" }, match: { matchedBy: "lineage", semanticType: "email", rule: "public.customers.email", sources: ["public.customers.email"], semanticTypes: ["email"] } });
    expect(masked(p, "moc.elpmaxe@nhoj")).toBe("****");
  });

  it("uses a policy's transformedMethod", () => {
    const hashed = compile({
      semanticTypes: [{ id: "email", label: "Email", method: { algorithm: "partial", keepFirst: 1 }, transformedMethod: { algorithm: "hash" } }],
      columnRules: [{ column: "public.customers.email", semanticType: "email" }],
    });
    const p = plan({ kind: "derived", sources: [email] }, "x", "text", hashed);
    expect(p.kind === "rule" && maskColumnText("abc", p, hashed)?.text).toMatch(/^h:[0-9a-f]{16}$/);
  });

  it("takes the strongest transformed mask of several types (null > full > hash > others)", () => {
    const mixed = compile({
      semanticTypes: [
        { id: "email", label: "Email", method: { algorithm: "partial", keepFirst: 1 }, transformedMethod: { algorithm: "hash" } },
        { id: "card_number", label: "Card", method: { algorithm: "partial", keepLast: 4 }, transformedMethod: { algorithm: "null" } },
      ],
      columnRules: [
        { column: "public.customers.email", semanticType: "email" },
        { column: "public.customers.card_number", semanticType: "card_number" },
      ],
    });
    const p = plan({ kind: "derived", sources: [email, card] }, "x", "text", mixed);
    expect(p).toMatchObject({ kind: "rule", match: { matchedBy: "lineage", semanticType: "card_number", semanticTypes: ["email", "card_number"], sources: ["public.customers.email", "public.customers.card_number"] } });
    expect(p.kind === "rule" && maskColumnText("abc", p, mixed)?.text).toBeNull();
    const types = ["secret", "email", "card_number"].map((id) => resolveSemanticType(id, { semanticTypes: [] })!);
    // secret's transformed mask is its own full substitute; the partial types' are full "****": the first full wins.
    expect(strongestTransformedType(types).id).toBe("secret");
  });

  it("counts a source masked by a name pattern on the source column's name, not the result's", () => {
    const phone = src("customers", "phone");
    expect(plan({ kind: "derived", sources: [phone] }, "digits")).toMatchObject({ kind: "rule", match: { matchedBy: "lineage", rule: "*phone*", sources: ["public.customers.phone"] } });
    // Computed from an unmasked column: the result name's pattern applies, as before lineage.
    expect(plan({ kind: "derived", sources: [note] }, "phone2")).toMatchObject({ kind: "rule", match: { matchedBy: "name_pattern" } });
  });

  it("passes exempt aggregates; detectors stay for unmasked data and for values no column feeds", () => {
    expect(plan({ kind: "derived", sources: [], exemptBy: "count", exempted: [email] }, "count", "int8")).toEqual({ kind: "pass" });
    // A constant has no lineage to vouch for it: the detectors search it, as before lineage.
    expect(plan({ kind: "derived", sources: [] }, "?column?")).toEqual({ kind: "detect", cls: "text" });
    // Untraced data (lo_get, current_setting) has no lineage: the detectors search it.
    expect(plan({ kind: "derived", sources: [], untraced: true }, "convert_from")).toEqual({ kind: "detect", cls: "text" });
    expect(plan({ kind: "derived", sources: [note] }, "upper")).toEqual({ kind: "detect", cls: "text" });
    expect(plan({ kind: "direct", sources: [note] }, "note")).toEqual({ kind: "detect", cls: "text" });
  });

  it("masks an undetermined column in full, whatever its type (a number can spell a value out row by row)", () => {
    const p = plan({ kind: "undetermined", reason: "my_func is not a built-in function", sources: [] }, "my_func");
    expect(p).toMatchObject({ kind: "rule", match: { matchedBy: "undetermined", reason: "my_func is not a built-in function" } });
    expect(masked(p, "anything")).toBe("****");
    expect(plan({ kind: "undetermined", reason: "r", sources: [] }, "ascii", "plain")).toMatchObject({ kind: "rule", match: { matchedBy: "undetermined" } });
    // Known masked sources: masked as computed from them.
    expect(plan({ kind: "undetermined", reason: "r", sources: [email] })).toMatchObject({ match: { matchedBy: "lineage" } });
  });

  it("does not mask undetermined columns when the policy has no column rules or name patterns", () => {
    const detectorsOnly = compile({ detectors: [{ detector: "email", isEnabled: true, semanticType: "email" }] });
    expect(plan({ kind: "undetermined", reason: "r", sources: [] }, "x", "text", detectorsOnly)).toEqual({ kind: "detect", cls: "text" });
  });
});
