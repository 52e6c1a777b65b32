import { describe, expect, it } from "vitest";
import type { ColumnLineage, StatementLineage } from "@/lib/policy/lineage/lineage-types";
import { compileMaskingPolicy, createMaskingContext } from "@/lib/policy/masking";
import { demoPolicy } from "@/lib/policy/default-policy";
import { alignColumns, describeCopyTarget, traceStatement } from "./trace-preview-columns";

const email = { schema: "public", table: "customers", column: "email" };
const direct: ColumnLineage = { kind: "direct", sources: [email] };
const derived: ColumnLineage = { kind: "derived", sources: [email] };
const field = (name: string, typeOid = 25) => ({ name, tableOid: 0, columnNumber: 0, typeOid });

const policy = demoPolicy();
policy.masking.detectors = [];
const compiled = compileMaskingPolicy(policy.masking, createMaskingContext(() => "00", new Uint8Array(32)));

describe("the policy preview's result columns", () => {
  it("pairs lineage's columns with the described ones by position, and a rest column with those left over", () => {
    const outputs = [{ name: "a", lineage: direct }, { name: "*", lineage: derived, isRest: true }, { name: "z", lineage: direct }];
    const aligned = alignColumns(outputs, [field("a"), field("k"), field("v"), field("z", 23)], null);
    expect(aligned.map((c) => [c.name, c.lineage.kind, c.typeOid])).toEqual([
      ["a", "direct", 25],
      ["k", "derived", 25],
      ["v", "derived", 25],
      ["z", "direct", 23],
    ]);
  });

  it("makes every column undetermined when the statement as a whole is, and fails closed on columns lineage did not list", () => {
    expect(alignColumns([{ name: "a", lineage: direct }], [field("a")], "dynamic SQL")[0]!.lineage).toEqual({ kind: "undetermined", reason: "dynamic SQL", sources: [] });
    expect(alignColumns([{ name: "a", lineage: direct }], [field("a"), field("b")], null)[1]!.lineage.kind).toBe("undetermined");
    // Without a description, lineage's own list stands, types unknown.
    expect(alignColumns([{ name: "a", lineage: direct, isRest: true }], null, null)).toEqual([{ name: "a", lineage: direct, isRest: true, typeOid: null }]);
  });

  it("names each column's lineage and mask as the gateway plans them", () => {
    const lineage: StatementLineage = {
      columns: [
        { name: "email", lineage: direct },
        { name: "rev", lineage: derived },
        { name: "n", lineage: { kind: "derived", sources: [], exemptBy: "count", exempted: [email] } },
      ],
      copies: [{ target: { kind: "client" }, lineage: derived }],
      predicates: [{ clause: "where", sources: [email] }],
      undetermined: null,
    };
    const traced = traceStatement(compiled, policy, 0, lineage, { fields: [field("email"), field("rev"), field("n", 20)], error: null }, new Map([[25, "text"]]));
    expect(traced.columns).toEqual([
      { name: "email", type: "text", isRest: false, lineage: { kind: "direct", sources: ["public.customers.email"] }, mask: { kind: "rule", matchedBy: "column_rule", rule: "public.customers.email", semanticType: "email", method: { algorithm: "partial", keepFirst: 1 } } },
      { name: "rev", type: "text", isRest: false, lineage: { kind: "derived", sources: ["public.customers.email"], exemptBy: null, exempted: [] }, mask: { kind: "transformed", semanticTypes: ["email"], sources: ["public.customers.email"], method: expect.objectContaining({ algorithm: "full" }) } },
      { name: "n", type: null, isRest: false, lineage: { kind: "derived", sources: [], exemptBy: "count", exempted: ["public.customers.email"] }, mask: { kind: "none" } },
    ]);
    expect(traced.copies).toEqual([{ target: "the client (COPY … TO STDOUT)", sources: ["public.customers.email"], maskedSources: ["public.customers.email"] }]);
    expect(traced.predicates).toEqual([{ clause: "where", sources: ["public.customers.email"], maskedSources: ["public.customers.email"] }]);
  });

  it("shows an undetermined column with the policy's action", () => {
    const lineage: StatementLineage = { columns: [{ name: "o", lineage: { kind: "undetermined", reason: "function public.opaque is opaque", sources: [] } }], copies: [], predicates: [], undetermined: null };
    const traced = traceStatement(compiled, policy, 0, lineage, { fields: null, error: "x" }, new Map());
    expect(traced.columns![0]!.mask).toEqual({ kind: "undetermined", action: "mask", reason: "function public.opaque is opaque" });
    expect(traced.describeError).toBe("x");
  });

  it("names where a copy goes", () => {
    expect(describeCopyTarget({ kind: "column", schema: null, table: "t", column: "c", isTemporary: false }, undefined)).toBe("t.c");
    expect(describeCopyTarget({ kind: "new_relation", schema: "public", name: "copied", relationKind: "materialized_view", isTemporary: false }, "e")).toBe("new materialized view public.copied (e)");
    expect(describeCopyTarget({ kind: "server_file", isProgram: true }, undefined)).toMatch(/PROGRAM/);
  });
});
