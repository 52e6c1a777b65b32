import { describe, expect, it } from "vitest";
import { defaultPolicy } from "./default-policy";
import { describeMatch } from "./describe-match";

describe("describeMatch", () => {
  it("reads an empty match as every statement", () => {
    expect(describeMatch({})).toBe("Every statement");
    expect(describeMatch({ kinds: [], groups: [] })).toBe("Every statement");
  });

  it("reads the default rules as sentences", () => {
    const [agents, destructive] = defaultPolicy().approvals;
    expect(describeMatch(agents.match)).toBe("Write, DDL, DCL, admin or procedural statements by agents");
    expect(describeMatch(destructive.match)).toBe("Every statement flagged UPDATE/DELETE without WHERE, DROP or TRUNCATE by people or services");
  });

  it("names relations, agents, groups and applications", () => {
    expect(describeMatch({ kinds: ["read"], relations: ["public.customers"], agentNames: ["claude-*"], groups: ["contractors"], applicationNames: ["psql", "dbeaver"] })).toBe(
      "Read statements on public.customers by agents named claude-* in group contractors from applications psql or dbeaver",
    );
    expect(describeMatch({ actorKinds: ["agent"], agentNames: ["cursor"] })).toBe("Every statement by agents named cursor");
  });
});
