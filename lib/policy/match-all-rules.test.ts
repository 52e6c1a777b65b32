import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./default-policy";
import { findMatchAllRules, isMatchAll } from "./match-all-rules";
import { STATEMENT_KINDS } from "./statement-kind";

describe("isMatchAll", () => {
  it("holds for a match with no condition, or only conditions every statement meets", () => {
    expect(isMatchAll({})).toBe(true);
    expect(isMatchAll({ kinds: [], flags: [] })).toBe(true);
    expect(isMatchAll({ kinds: [...STATEMENT_KINDS] })).toBe(true);
    expect(isMatchAll({ actorKinds: ["human", "agent", "service"] })).toBe(true);
    expect(isMatchAll({ applicationNames: ["**"] })).toBe(true);
  });

  it("does not hold once one condition narrows it", () => {
    expect(isMatchAll({ kinds: STATEMENT_KINDS.filter((k) => k !== "read") })).toBe(false);
    expect(isMatchAll({ actorKinds: ["human", "agent"] })).toBe(false);
    expect(isMatchAll({ flags: ["truncate"] })).toBe(false);
    expect(isMatchAll({ relations: ["*"] })).toBe(false);
    expect(isMatchAll({ agentNames: ["*"] })).toBe(false);
    expect(isMatchAll({ groups: ["contractors"] })).toBe(false);
    expect(isMatchAll({ applicationNames: ["psql*"] })).toBe(false);
    expect(isMatchAll({ kinds: [...STATEMENT_KINDS], groups: ["contractors"] })).toBe(false);
  });
});

describe("findMatchAllRules", () => {
  it("finds none in the default policy", () => {
    expect(findMatchAllRules(defaultPolicy())).toEqual([]);
  });

  it("names enabled guardrails and approval rules that match everything, with their match's path", () => {
    const doc = defaultPolicy();
    doc.guardrails.push({ id: "g-all", name: "Everything", isEnabled: true, match: {}, message: "No." });
    doc.guardrails.push({ id: "g-off", name: "Off", isEnabled: false, match: {}, message: "No." });
    doc.approvals[0].match = { actorKinds: ["human", "agent", "service"] };
    const found = findMatchAllRules(doc);
    expect(found.map((r) => [r.path, r.id])).toEqual([
      [`guardrails.${doc.guardrails.length - 2}.match`, "g-all"],
      ["approvals.0.match", "hold-agent-writes"],
    ]);
    expect(found[0]!.message).toMatch(/^This rule matches every statement: it blocks every statement/);
    expect(found[1]!.message).toMatch(/^This rule matches every statement: .*waits for a reviewer/);
  });

  it("leaves blast-radius limits alone: one for every write is their normal use", () => {
    const doc = defaultPolicy();
    doc.blastRadius[0]!.match = {};
    expect(findMatchAllRules(doc)).toEqual([]);
  });
});
