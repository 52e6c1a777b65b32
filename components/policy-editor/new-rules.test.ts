import { describe, expect, it } from "vitest";
import { policyDocumentSchema } from "@/lib/policy/policy-document";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { findMatchAllRules } from "@/lib/policy/match-all-rules";
import { enableOnFirstCondition, moveItem, newApprovalRule, newGuardrail } from "./new-rules";

describe("new rules", () => {
  it("are valid as created, with distinct ids", () => {
    const doc = { ...defaultPolicy(), guardrails: [newGuardrail(), newGuardrail()], approvals: [newApprovalRule()] };
    expect(policyDocumentSchema.safeParse(doc).success).toBe(true);
    expect(doc.guardrails[0].id).not.toBe(doc.guardrails[1].id);
  });

  it("match nothing until a condition is set: switched off, so none is a match-all rule", () => {
    const doc = { ...defaultPolicy(), guardrails: [newGuardrail()], approvals: [newApprovalRule()] };
    expect(doc.guardrails[0]!.isEnabled).toBe(false);
    expect(doc.approvals[0]!.isEnabled).toBe(false);
    expect(findMatchAllRules(doc)).toEqual([]);
  });
});

describe("enableOnFirstCondition", () => {
  it("switches a waiting rule on when its first condition is set, and leaves it alone otherwise", () => {
    const rule = newGuardrail();
    expect(enableOnFirstCondition(rule, { ...rule, name: "Renamed" })).toEqual({ ...rule, name: "Renamed" });
    expect(enableOnFirstCondition(rule, { ...rule, match: { flags: ["truncate"] } })).toMatchObject({ isEnabled: true, match: { flags: ["truncate"] } });
    // The admin's own switch wins.
    expect(enableOnFirstCondition(rule, { ...rule, isEnabled: true })).toMatchObject({ isEnabled: true, match: {} });
  });
});

describe("moveItem", () => {
  it("moves an item and clamps the target to the list", () => {
    expect(moveItem(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    expect(moveItem(["a", "b", "c"], 2, 1)).toEqual(["a", "c", "b"]);
    expect(moveItem(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moveItem(["a", "b", "c"], 1, 9)).toEqual(["a", "c", "b"]);
  });
});
