import { describe, expect, it } from "vitest";
import { policyDocumentSchema } from "@/lib/policy/policy-document";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { moveItem, newApprovalRule, newGuardrail } from "./new-rules";

describe("new rules", () => {
  it("are valid as created, with distinct ids", () => {
    const doc = { ...defaultPolicy(), guardrails: [newGuardrail(), newGuardrail()], approvals: [newApprovalRule()] };
    expect(policyDocumentSchema.safeParse(doc).success).toBe(true);
    expect(doc.guardrails[0].id).not.toBe(doc.guardrails[1].id);
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
