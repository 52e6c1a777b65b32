import { describe, expect, it } from "vitest";
import { demoPolicy, defaultPolicy } from "@/lib/policy/default-policy";
import { describeTableMasking } from "./describe-masking";

describe("describeTableMasking", () => {
  it("names the demo policy's masked customer columns and how they are masked", () => {
    const m = describeTableMasking(demoPolicy(), { schema: "public", table: "customers" }, ["id", "name", "email", "phone", "card_number"], ["developer"]);
    expect(Object.keys(m.columns).sort()).toEqual(["card_number", "email", "phone"]);
    expect(m.columns.email).toMatchObject({ semanticType: "email", matchedBy: "column_rule", rule: "public.customers.email", method: expect.stringMatching(/^partial: keeps the first 1/) });
    expect(m.columns.card_number?.method).toMatch(/last 4/);
    expect(m.detectors.map((d) => d.detector)).toContain("email");
    expect(m.exemption).toBeNull();
  });

  it("matches name patterns, ignores other tables' rules, and reports an exemption for the actor's group", () => {
    const policy = defaultPolicy();
    policy.masking.namePatterns.push({ pattern: "*token*", semanticType: "secret" });
    policy.masking.columnRules.push({ column: "public.customers.email", semanticType: "email" });
    policy.masking.exemptions.push({ group: "support", expiresAt: null, reason: "tickets" });
    const m = describeTableMasking(policy, { schema: "public", table: "users" }, ["email", "api_token"], ["support"]);
    expect(Object.keys(m.columns)).toEqual(["api_token"]);
    expect(m.columns.api_token).toMatchObject({ matchedBy: "name_pattern", rule: "*token*", method: 'full: replaced by "[redacted]"' });
    expect(m.exemption).toEqual({ group: "support", expiresAt: null, reason: "tickets" });
  });
});
