import { describe, expect, it } from "vitest";
import { describeColumnLineage, describeColumnMask, describeLineageVerdict, describeMethodShort } from "./describe-lineage";

describe("the policy preview's lineage wording", () => {
  it("says where a column comes from", () => {
    expect(describeColumnLineage({ kind: "direct", sources: ["public.customers.email"] })).toBe("direct from public.customers.email");
    expect(describeColumnLineage({ kind: "derived", sources: ["public.customers.email", "public.customers.name"], exemptBy: null, exempted: [] })).toBe(
      "computed from public.customers.email, public.customers.name",
    );
    expect(describeColumnLineage({ kind: "derived", sources: [], exemptBy: "count", exempted: ["public.customers.email"] })).toBe("exempt aggregate count (over public.customers.email)");
    expect(describeColumnLineage({ kind: "derived", sources: [], exemptBy: null, exempted: [] })).toBe("a constant or parameter (no table column)");
    expect(describeColumnLineage({ kind: "undetermined", reason: "function public.f is opaque", sources: [] })).toBe("cannot tell: function public.f is opaque");
    expect(describeColumnLineage({ kind: "undetermined", reason: "dynamic SQL", sources: ["public.t.a"] })).toBe("cannot tell: dynamic SQL (fed at least by public.t.a)");
  });

  it("names a method with its parameters", () => {
    expect(describeMethodShort({ algorithm: "partial", keepFirst: 1 })).toBe("partial (keep first 1)");
    expect(describeMethodShort({ algorithm: "partial", keepFirst: 4, keepLast: 4 })).toBe("partial (keep first 4, last 4)");
    expect(describeMethodShort({ algorithm: "outer", keepLast: 2 })).toBe("outer (mask last 2)");
    expect(describeMethodShort({ algorithm: "full" })).toBe("full");
    expect(describeMethodShort({ algorithm: "full", replacement: "****" })).toBe("full");
    expect(describeMethodShort({ algorithm: "full", replacement: "[redacted]" })).toBe("full (“[redacted]”)");
    expect(describeMethodShort({ algorithm: "hash" })).toBe("keyed hash");
    expect(describeMethodShort({ algorithm: "inner" })).toBe("inner");
  });

  it("says which mask a column gets", () => {
    expect(describeColumnMask({ kind: "rule", matchedBy: "column_rule", rule: "public.customers.email", semanticType: "email", method: { algorithm: "partial", keepFirst: 1 } })).toBe(
      "email, partial (keep first 1)",
    );
    expect(describeColumnMask({ kind: "transformed", semanticTypes: ["email"], sources: ["public.customers.email"], method: { algorithm: "full" } })).toBe("email, transformed: full");
    expect(describeColumnMask({ kind: "detectors", detectors: [] })).toBe("detectors");
    expect(describeColumnMask({ kind: "detectors", detectors: ["card_number"] })).toBe("detectors");
    expect(describeColumnMask({ kind: "none" })).toBe("none");
    expect(describeColumnMask({ kind: "undetermined", action: "mask", reason: "x" })).toBe("masked in full: source unknown");
    expect(describeColumnMask({ kind: "undetermined", action: "refuse", reason: "x" })).toBe("refused: source unknown");
  });

  it("titles a verdict by what it does and why", () => {
    const base = { reasons: ["copies masked data from customers.email"], statementIndex: 0, reviewerGroups: ["reviewer"], timeoutSeconds: 900 };
    expect(describeLineageVerdict({ ...base, action: "hold", concerns: ["copies"] })).toBe("Held for review by lineage: copies masked data");
    expect(describeLineageVerdict({ ...base, action: "block", concerns: ["undetermined", "inference"] })).toBe("Blocked by lineage: lineage cannot be determined, filters on masked columns");
  });
});
