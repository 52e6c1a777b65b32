import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./default-policy";
import { issuesByPath, validatePolicyDocument } from "./policy-issues";

describe("validatePolicyDocument", () => {
  it("accepts the default policy and returns it with defaults filled in", () => {
    const { guardrails, ...rest } = defaultPolicy();
    const result = validatePolicyDocument({ ...rest, guardrails: guardrails.map(({ isEnabled, ...g }) => g) });
    expect(result.isValid).toBe(true);
    if (result.isValid) expect(result.document.guardrails.every((g) => g.isEnabled)).toBe(true);
  });

  it("keys each problem by its JSON path, with the schema's own sentence where it has one", () => {
    const doc = defaultPolicy();
    doc.guardrails[1].name = " ";
    doc.approvals[0].reviewerGroups = [];
    doc.approvals[1].minApprovals = 0;
    const result = validatePolicyDocument(doc);
    expect(result.isValid).toBe(false);
    expect(issuesByPath(result.issues)).toEqual({
      "guardrails.1.name": "Give it a name.",
      "approvals.0.reviewerGroups": "Name at least one reviewer group.",
      "approvals.1.minApprovals": "Use 1 or more.",
    });
  });

  it("rephrases zod's defaults for enums, types and unknown fields", () => {
    const doc = { ...defaultPolicy(), failClosed: "maybe", access: { isReadOnly: "yes", agentRowCap: null }, extra: 1 };
    const result = validatePolicyDocument(doc);
    expect(issuesByPath(result.issues)).toEqual({
      failClosed: "Use one of: block, hold.",
      "access.isReadOnly": "Expected a boolean.",
      document: "Unknown field: extra.",
    });
  });

  it("reports document-wide rules (a rule id used twice) on the list they concern", () => {
    const doc = defaultPolicy();
    doc.approvals[0].id = doc.guardrails[0].id;
    expect(issuesByPath(validatePolicyDocument(doc).issues)).toEqual({ guardrails: 'Rule id "block-drop-database" is used twice.' });
  });
});
