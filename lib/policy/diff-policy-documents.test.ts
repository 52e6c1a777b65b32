import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./default-policy";
import { diffPolicyDocuments, isSameJson } from "./diff-policy-documents";
import type { PolicyDocument } from "./policy-document";

const edit = (fn: (doc: PolicyDocument) => void): PolicyDocument => {
  const doc = structuredClone(defaultPolicy());
  fn(doc);
  return doc;
};

describe("diffPolicyDocuments", () => {
  it("finds nothing between equal documents, whatever their key order", () => {
    const a = defaultPolicy();
    const reordered = Object.fromEntries(Object.entries(structuredClone(a)).reverse());
    expect(diffPolicyDocuments(a, reordered)).toEqual([]);
  });

  it("reports an added rule once, by its id and name, not as every later rule changed", () => {
    const truncate = { id: "block-truncate", name: "No TRUNCATE", isEnabled: true, match: { flags: ["truncate" as const] }, message: "No." };
    const after = edit((d) => d.guardrails.unshift(truncate));
    expect(diffPolicyDocuments(defaultPolicy(), after)).toEqual([
      { change: "added", path: "guardrails[block-truncate]", section: "guardrails", item: { key: "block-truncate", name: "No TRUNCATE" }, after: truncate },
    ]);
  });

  it("reports a removed rule with what it was", () => {
    const before = defaultPolicy();
    const after = edit((d) => d.approvals.splice(1, 1));
    expect(diffPolicyDocuments(before, after)).toEqual([
      {
        change: "removed",
        path: "approvals[hold-destructive]",
        section: "approvals",
        item: { key: "hold-destructive", name: "Destructive statements need a reviewer" },
        before: before.approvals[1],
      },
    ]);
  });

  it("names the fields changed inside a rule, and lists as whole values", () => {
    const after = edit((d) => {
      d.approvals[0].minApprovals = 2;
      d.approvals[0].match.kinds = ["write"];
      d.approvals[0].name = "Agents' writes";
    });
    const entries = diffPolicyDocuments(defaultPolicy(), after);
    const item = { key: "hold-agent-writes", name: "Agents' writes" };
    expect(entries).toEqual([
      { change: "changed", path: "approvals[hold-agent-writes].name", section: "approvals", item, before: "Agents' writes and DDL need a reviewer", after: "Agents' writes" },
      { change: "changed", path: "approvals[hold-agent-writes].match.kinds", section: "approvals", item, before: ["write", "ddl", "dcl", "admin", "procedural"], after: ["write"] },
      { change: "changed", path: "approvals[hold-agent-writes].minApprovals", section: "approvals", item, before: 1, after: 2 },
    ]);
  });

  it("reports a criterion added to or removed from a match", () => {
    const after = edit((d) => {
      d.guardrails[0].match.relations = ["public.*"];
      delete d.approvals[1].match.flags;
    });
    expect(diffPolicyDocuments(defaultPolicy(), after).map((e) => [e.change, e.path])).toEqual([
      ["added", "guardrails[block-drop-database].match.relations"],
      ["removed", "approvals[hold-destructive].match.flags"],
    ]);
  });

  it("reports only the rule that changed place when rules are reordered", () => {
    const after = edit((d) => d.guardrails.push(d.guardrails.shift()!));
    expect(diffPolicyDocuments(defaultPolicy(), after)).toEqual([
      { change: "moved", path: "guardrails[block-drop-database]", section: "guardrails", item: { key: "block-drop-database", name: "No DROP DATABASE" }, before: 1, after: 4 },
    ]);
  });

  it("compares top-level settings field by field", () => {
    const after = edit((d) => {
      d.failClosed = "hold";
      d.access.agentRowCap = 500;
    });
    expect(diffPolicyDocuments(defaultPolicy(), after)).toEqual([
      { change: "changed", path: "failClosed", section: "failClosed", before: "block", after: "hold" },
      { change: "changed", path: "access.agentRowCap", section: "access", before: null, after: 500 },
    ]);
  });

  it("keys masking lists by their natural keys and names the item by its outermost key", () => {
    const after = edit((d) => {
      d.masking.detectors.find((x) => x.detector === "email")!.isEnabled = true;
      d.masking.columnRules.push({ column: "public.customers.email", semanticType: "email" });
    });
    expect(diffPolicyDocuments(defaultPolicy(), after)).toEqual([
      {
        change: "added",
        path: "masking.columnRules[public.customers.email]",
        section: "masking",
        item: { key: "public.customers.email", name: "public.customers.email" },
        after: { column: "public.customers.email", semanticType: "email" },
      },
      { change: "changed", path: "masking.detectors[email].isEnabled", section: "masking", item: { key: "email", name: "email" }, before: false, after: true },
    ]);
  });

  it("treats a document that appears from nothing as one change at the root", () => {
    expect(diffPolicyDocuments(null, defaultPolicy())).toEqual([{ change: "changed", path: "", section: "", before: null, after: defaultPolicy() }]);
  });
});

describe("isSameJson", () => {
  it("ignores key order but not array order", () => {
    expect(isSameJson({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(isSameJson([1, 2], [2, 1])).toBe(false);
    expect(isSameJson({ a: undefined }, {})).toBe(false);
  });
});
