import { describe, expect, it } from "vitest";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { diffPolicyDocuments } from "@/lib/policy/diff-policy-documents";
import { describePolicyDiff } from "./describe-policy-diff";

describe("describePolicyDiff", () => {
  it("reads an added guardrail as one group with what it matches", () => {
    const after = defaultPolicy();
    after.guardrails.push({ id: "block-truncate", name: "No TRUNCATE", isEnabled: true, match: { flags: ["truncate"] }, message: "No." });
    expect(describePolicyDiff(diffPolicyDocuments(defaultPolicy(), after))).toEqual([
      { key: "guardrails[block-truncate]", title: "Guardrail “No TRUNCATE”", change: "added", lines: [{ change: "added", field: null, text: "Added: Every statement flagged TRUNCATE" }] },
    ]);
  });

  it("lists field changes inside a rule, and settings by their path", () => {
    const after = defaultPolicy();
    after.approvals[0].minApprovals = 2;
    after.approvals[0].isEnabled = false;
    after.access.agentRowCap = 100;
    after.failClosed = "hold";
    after.guardrails.unshift(after.guardrails.pop()!);
    const groups = describePolicyDiff(diffPolicyDocuments(defaultPolicy(), after));
    expect(groups.map((g) => [g.title, g.change, g.lines.map((l) => [l.field, l.text])])).toEqual([
      ["Unclassifiable statements", "changed", [[null, "“block” → “hold”"]]],
      ["Guardrail “No dangerous functions”", "moved", [[null, "Moved from position 4 to 1"]]],
      ["Approval rule “Agents' writes and DDL need a reviewer”", "changed", [["isEnabled", "yes → no"], ["minApprovals", "1 → 2"]]],
      ["Access", "changed", [["agentRowCap", "none → 100"]]],
    ]);
  });
});
