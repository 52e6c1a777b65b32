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

describe("describePolicyDiff on masking", () => {
  const linesOf = (before: ReturnType<typeof defaultPolicy>, after: ReturnType<typeof defaultPolicy>) =>
    describePolicyDiff(diffPolicyDocuments(before, after), { before, after }).flatMap((g) => g.lines.map((l) => [l.field, l.text]));

  it("reads column rules as sentences: masked as a type with its method, changed, stopped", () => {
    const before = defaultPolicy();
    const after = defaultPolicy();
    after.masking.columnRules.push({ column: "public.customers.email", semanticType: "email" });
    expect(linesOf(before, after)).toEqual([[null, "Masked customers.email as email address (partial)"]]);

    const retyped = structuredClone(after);
    retyped.masking.columnRules[0]!.semanticType = "address";
    expect(linesOf(after, retyped)).toEqual([[null, "Masked customers.email as postal address (full) instead of email address"]]);
    expect(linesOf(after, before)).toEqual([[null, "Stopped masking customers.email (it was masked as email address)"]]);
  });

  it("reads detector switches as sentences", () => {
    const before = defaultPolicy();
    const after = defaultPolicy();
    after.masking.detectors.find((d) => d.detector === "card_number")!.isEnabled = false;
    after.masking.detectors.find((d) => d.detector === "email")!.isEnabled = true;
    expect(linesOf(before, after)).toEqual([
      [null, "Turned the card-number detector off"],
      [null, "Turned the email detector on"],
    ]);
  });

  it("reads a type's new method once, and name patterns and exemptions as sentences", () => {
    const before = defaultPolicy();
    const after = defaultPolicy();
    after.masking.semanticTypes.push({ id: "email", label: "Email address", method: { algorithm: "partial", keepFirst: 2, keepLast: 4 } });
    after.masking.namePatterns.push({ pattern: "*phone*", semanticType: "phone" });
    after.masking.exemptions.push({ group: "support", expiresAt: null, reason: "Tickets" });
    expect(linesOf(before, after)).toEqual([
      [null, "Changed how email address is masked: partial, keeps the first 2 and last 4"],
      [null, "Masked columns named like *phone* as phone number (partial)"],
      [null, "Exempted group support from masking with no end date: “Tickets”"],
    ]);
    const changed = structuredClone(after);
    changed.masking.semanticTypes[0]!.method = { algorithm: "hash" };
    expect(linesOf(after, changed)).toEqual([[null, "Changed how email address is masked: keyed hash (was partial, keeps the first 2 and last 4)"]]);
  });
});

describe("describePolicyDiff on masking's lineage options", () => {
  it("reads each lineage setting and a transformed mask as a sentence, before and after", () => {
    const before = defaultPolicy();
    const after = structuredClone(before);
    after.masking.lineage = { ...after.masking.lineage, undetermined: "refuse", copies: "allow", inference: "hold", inferenceActorKinds: ["agent", "human"], reviewerGroups: ["security"], timeoutSeconds: 60 };
    after.masking.semanticTypes.push({ id: "email", label: "Email address", method: { algorithm: "partial", keepFirst: 1 }, transformedMethod: { algorithm: "hash" } });
    const texts = describePolicyDiff(diffPolicyDocuments(before, after), { before, after }).flatMap((g) => g.lines.map((l) => l.text));
    expect(texts).toEqual([
      "Changed how email address is masked: partial, keeps the first 1; values computed from it: keyed hash",
      "Statements whose result columns Warden cannot trace are now refused (were masked in full)",
      "Writes that copy masked data elsewhere are now allowed (were held for a reviewer)",
      "Statements that filter, join, sort or group on a masked column are now held for a reviewer (were not checked)",
      "The inference check now applies to agent, human (was agent)",
      "Held copies and inference are now reviewed by security (were reviewer)",
      "Held copies and inference now wait 60 s for a reviewer (was 900 s)",
    ]);
  });

  it("names a changed transformed mask of a type the policy already overrides", () => {
    const before = defaultPolicy();
    before.masking.semanticTypes.push({ id: "email", label: "Email address", method: { algorithm: "partial", keepFirst: 1 } });
    const after = structuredClone(before);
    after.masking.semanticTypes[0]!.transformedMethod = { algorithm: "full", replacement: "[computed]" };
    const texts = describePolicyDiff(diffPolicyDocuments(before, after), { before, after }).flatMap((g) => g.lines.map((l) => l.text));
    expect(texts).toEqual(["Changed how values computed from email address are masked: full, as “[computed]” (was full, as “****”)"]);
  });
});
