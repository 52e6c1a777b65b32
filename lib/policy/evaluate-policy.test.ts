import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { defaultPolicy } from "./default-policy";
import { BUILT_IN_RULE_IDS, evaluatePolicy, type PolicyActor } from "./evaluate-policy";
import { policyDocumentSchema, type PolicyDocument } from "./policy-document";

beforeAll(() => loadClassifier());

const human: PolicyActor = { userName: "dev@example.com", actorKind: "human", agentName: null, groups: ["developer"], applicationName: "psql" };
const agent: PolicyActor = { ...human, actorKind: "agent", agentName: "claude-code" };

function evaluate(sql: string, actor: PolicyActor = human, policy: PolicyDocument = defaultPolicy()) {
  const c = classifySql(sql);
  return evaluatePolicy(policy, { statements: c.statements, actor, parseError: c.isParsed ? null : c.error });
}

function policyWith(overrides: Partial<PolicyDocument>): PolicyDocument {
  return policyDocumentSchema.parse({ ...defaultPolicy(), ...overrides });
}

describe("evaluatePolicy with the default policy", () => {
  it("forwards ordinary reads and narrow writes from people", () => {
    expect(evaluate("select * from orders")).toEqual({ action: "forward" });
    expect(evaluate("update orders set status = 'paid' where id = 1")).toEqual({ action: "forward" });
  });

  it("holds a person's destructive statement for a reviewer, saying why", () => {
    const r = evaluate("delete from orders");
    expect(r).toMatchObject({ action: "hold", rule: { id: "hold-destructive", reviewerGroups: ["reviewer"] }, statementIndex: 0 });
    expect(r.action === "hold" && r.reasons).toEqual(["UPDATE/DELETE without WHERE", "sent by a human"]);
    expect(evaluate("drop table orders")).toMatchObject({ action: "hold", rule: { id: "hold-destructive" } });
    expect(evaluate("truncate orders")).toMatchObject({ action: "hold", rule: { id: "hold-destructive" } });
  });

  it("holds every write of an agent, even a narrow one", () => {
    expect(evaluate("update orders set status = 'paid' where id = 1", agent)).toMatchObject({ action: "hold", rule: { id: "hold-agent-writes" } });
    expect(evaluate("select * from orders", agent)).toEqual({ action: "forward" });
  });

  it("blocks what nobody may run, with the guardrail's message and 42501", () => {
    expect(evaluate("drop database orders")).toMatchObject({ action: "block", sqlState: "42501", rule: { id: "block-drop-database" }, message: "DROP DATABASE is not allowed through Warden." });
    expect(evaluate("select pg_read_file('/etc/passwd')", agent)).toMatchObject({ action: "block", rule: { id: "block-dangerous-functions" } });
    expect(evaluate("copy orders to program 'sh'")).toMatchObject({ action: "block", rule: { id: "block-copy-program" } });
  });

  it("lets the most severe outcome of a query string win: block over hold over forward", () => {
    expect(evaluate("select 1; delete from orders; select 2")).toMatchObject({ action: "hold", statementIndex: 1 });
    expect(evaluate("delete from orders; alter system set work_mem = '1GB'")).toMatchObject({ action: "block", rule: { id: "block-alter-system" }, statementIndex: 1 });
    expect(evaluate("truncate a; drop table b")).toMatchObject({ action: "hold", statementIndex: 0 });
  });

  it("refuses text it cannot classify by the fail-closed rule, with PostgreSQL's own SQLSTATE", () => {
    expect(evaluate("delete orders")).toMatchObject({ action: "block", rule: { id: BUILT_IN_RULE_IDS.failClosed }, sqlState: "42601", message: expect.stringMatching(/could not classify.*syntax error/) });
    const big = classifySql(`select '${"x".repeat(500)}'`, { maxBytes: 100 });
    expect(evaluatePolicy(defaultPolicy(), { statements: big.statements, actor: human, parseError: big.isParsed ? null : big.error })).toMatchObject({ action: "block", sqlState: "54000" });
  });

  it("holds unclassifiable text instead when the policy says so, for the policy's reviewers, with no grants", () => {
    const policy = policyWith({ failClosed: "hold" });
    expect(evaluate("delete orders", human, policy)).toMatchObject({ action: "hold", rule: { id: BUILT_IN_RULE_IDS.failClosed, reviewerGroups: ["reviewer"], allowGrants: false } });
  });

  it("blocks writes on a read-only connection with 25006, as a read-only transaction would", () => {
    const policy = policyWith({ access: { isReadOnly: true, agentRowCap: null } });
    expect(evaluate("insert into t values (1)", human, policy)).toMatchObject({ action: "block", sqlState: "25006", rule: { id: BUILT_IN_RULE_IDS.readOnly } });
    expect(evaluate("select 1; begin; set search_path = x", human, policy)).toEqual({ action: "forward" });
  });

  it("skips disabled rules", () => {
    const policy = defaultPolicy();
    policy.guardrails = policy.guardrails.map((g) => ({ ...g, isEnabled: false }));
    policy.approvals = policy.approvals.map((a) => (a.id === "hold-destructive" ? { ...a, isEnabled: false } : a));
    expect(evaluate("drop database orders; delete from orders", human, policy)).toEqual({ action: "forward" });
  });

  it("applies rules on relations, agent names, groups and application names", () => {
    const policy = policyWith({
      guardrails: [{ id: "no-payments", name: "No writes to payments", isEnabled: true, match: { kinds: ["write"], relations: ["billing.payments"] }, message: "payments are written by the billing service only" }],
      approvals: [
        { id: "ci", name: "CI jobs", isEnabled: true, match: { agentNames: ["ci-*"], applicationNames: ["migrate*"] }, reviewerGroups: ["dba"], minApprovals: 2, timeoutSeconds: 600, allowGrants: false },
        { id: "contractors", name: "Contractors", isEnabled: true, match: { groups: ["contractors"], kinds: ["write"] }, reviewerGroups: ["leads"], minApprovals: 1, timeoutSeconds: 600, allowGrants: true },
      ],
    });
    expect(evaluate("insert into payments values (1)", human, policy)).toMatchObject({ action: "block", message: "payments are written by the billing service only" });
    expect(evaluate("select * from billing.payments", human, policy)).toEqual({ action: "forward" });
    const ci = { ...agent, agentName: "ci-nightly", applicationName: "migrate-prod" };
    expect(evaluate("create table t (a int)", ci, policy)).toMatchObject({ action: "hold", rule: { id: "ci", minApprovals: 2 } });
    expect(evaluate("create table t (a int)", { ...ci, applicationName: "psql" }, policy)).toEqual({ action: "forward" });
    expect(evaluate("update t set a = 1 where id = 1", { ...human, groups: ["contractors"] }, policy)).toMatchObject({ action: "hold", rule: { id: "contractors" } });
  });

  it("has nothing to say about an empty query", () => {
    expect(evaluate("  -- nothing")).toEqual({ action: "forward" });
  });
});
