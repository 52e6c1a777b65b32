import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { matchesGlob, matchesRelation, matchRule, type PolicyActor } from "./match-rule";

beforeAll(() => loadClassifier());

const human: PolicyActor = { userName: "dev@example.com", actorKind: "human", agentName: null, groups: ["developer"], applicationName: "psql" };
const agent: PolicyActor = { userName: "dev@example.com", actorKind: "agent", agentName: "claude-code", groups: ["developer"], applicationName: "mcp-postgres" };
const one = (sql: string) => classifySql(sql).statements[0];

describe("matchesGlob", () => {
  it("matches the whole value, ignoring case, with * and ?", () => {
    expect(matchesGlob("claude-*", "Claude-Code")).toBe(true);
    expect(matchesGlob("claude-*", "my-claude-code")).toBe(false);
    expect(matchesGlob("ci-?", "ci-1")).toBe(true);
    expect(matchesGlob("ci-?", "ci-12")).toBe(false);
    expect(matchesGlob("a.b", "axb")).toBe(false);
    expect(matchesGlob("*", "")).toBe(true);
  });
});

describe("matchesRelation", () => {
  const rel = (schema: string | null, name: string) => ({ schema, name, access: "write" as const });
  it("matches schema.table patterns, and bare tables in any schema", () => {
    expect(matchesRelation("public.payments", rel("public", "payments"))).toBe(true);
    expect(matchesRelation("public.payments", rel("billing", "payments"))).toBe(false);
    expect(matchesRelation("payments", rel("billing", "payments"))).toBe(true);
    expect(matchesRelation("public.*", rel("public", "orders"))).toBe(true);
    expect(matchesRelation("*.payments", rel("x", "payments"))).toBe(true);
    expect(matchesRelation("pay*", rel(null, "payouts"))).toBe(true);
  });

  it("lets an unqualified name match any schema: writing `payments` does not dodge a rule on public.payments", () => {
    expect(matchesRelation("public.payments", rel(null, "payments"))).toBe(true);
    expect(matchesRelation("public.payments", rel(null, "Payments"))).toBe(true);
  });
});

describe("matchRule", () => {
  it("matches anything when no criterion is given", () => {
    expect(matchRule({}, one("select 1"), human)).toEqual(["every statement"]);
  });

  it("needs every given criterion, and any entry of each list", () => {
    const match = { kinds: ["write" as const], actorKinds: ["agent" as const] };
    expect(matchRule(match, one("insert into t values (1)"), agent)).toEqual(["a write statement (InsertStmt)", "sent by an agent"]);
    expect(matchRule(match, one("insert into t values (1)"), human)).toBeNull();
    expect(matchRule(match, one("select 1"), agent)).toBeNull();
  });

  it("names the flags, relations, agent, groups and application that matched", () => {
    const s = one("delete from public.payments");
    expect(matchRule({ flags: ["drop", "write_without_where"] }, s, human)).toEqual(["UPDATE/DELETE without WHERE"]);
    expect(matchRule({ relations: ["*.payments"] }, s, human)).toEqual(["touches public.payments"]);
    expect(matchRule({ relations: ["orders"] }, s, human)).toBeNull();
    expect(matchRule({ agentNames: ["claude*"] }, s, agent)).toEqual(["agent claude-code"]);
    expect(matchRule({ agentNames: ["claude*"] }, s, human)).toBeNull();
    expect(matchRule({ groups: ["contractors", "developer"] }, s, human)).toEqual(["group developer"]);
    expect(matchRule({ groups: ["contractors"] }, s, human)).toBeNull();
    expect(matchRule({ applicationNames: ["mcp-*"] }, s, agent)).toEqual(["application mcp-postgres"]);
    expect(matchRule({ applicationNames: ["mcp-*"] }, s, { ...agent, applicationName: null })).toBeNull();
  });

  it("treats empty lists as absent", () => {
    expect(matchRule({ kinds: [], flags: [] }, one("select 1"), human)).toEqual(["every statement"]);
  });
});
