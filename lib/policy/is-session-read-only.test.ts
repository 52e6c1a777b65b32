import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { defaultPolicy } from "./default-policy";
import { BUILT_IN_RULE_IDS, evaluatePolicy, type PolicyActor } from "./evaluate-policy";
import { AGENTS_READ_ONLY_RULE_ID, isReadOnlyRule, isSessionReadOnly, sessionReadOnlyReason, withAgentsReadOnly, WRITING_KINDS } from "./is-session-read-only";
import { policyDocumentSchema, type Guardrail, type PolicyDocument, type PolicyMatch } from "./policy-document";

beforeAll(() => loadClassifier());

const human: PolicyActor = { userName: "dev@example.com", actorKind: "human", agentName: null, groups: ["developer"], applicationName: "psql" };
const agent: PolicyActor = { ...human, actorKind: "agent", agentName: "claude-code", applicationName: "warden-mcp" };

function guardrail(match: PolicyMatch, extra: Partial<Guardrail> = {}): Guardrail {
  return { id: "agents-read-only", name: "Agents only read", isEnabled: true, match, message: "Agents only read here.", ...extra };
}

function policyWith(overrides: Partial<PolicyDocument>): PolicyDocument {
  return policyDocumentSchema.parse({ ...defaultPolicy(), ...overrides });
}

const agentsReadOnly = policyWith({ guardrails: [guardrail({ actorKinds: ["agent"], kinds: [...WRITING_KINDS] })] });
// Without the default guardrails, whose "dangerous functions" rule would refuse some of these first.
const connectionReadOnly = policyWith({ guardrails: [], access: { isReadOnly: true, agentRowCap: null } });

describe("isSessionReadOnly", () => {
  it("is read-only on a read-only connection, for everyone", () => {
    expect(sessionReadOnlyReason(connectionReadOnly, human)).toEqual({ source: "connection" });
    expect(isSessionReadOnly(connectionReadOnly, agent)).toBe(true);
    expect(isSessionReadOnly(defaultPolicy(), human)).toBe(false);
    expect(isSessionReadOnly(defaultPolicy(), agent)).toBe(false);
  });

  it("is read-only for the actors a guardrail blocking every writing kind applies to", () => {
    expect(sessionReadOnlyReason(agentsReadOnly, agent)).toMatchObject({ source: "guardrail", rule: { id: "agents-read-only" } });
    expect(isSessionReadOnly(agentsReadOnly, human)).toBe(false);
    const byName = policyWith({ guardrails: [guardrail({ agentNames: ["claude-*"], kinds: [...WRITING_KINDS] })] });
    expect(isSessionReadOnly(byName, agent)).toBe(true);
    expect(isSessionReadOnly(byName, { ...agent, agentName: "cursor" })).toBe(false);
    const byGroup = policyWith({ guardrails: [guardrail({ groups: ["contractors"], kinds: [...WRITING_KINDS] })] });
    expect(isSessionReadOnly(byGroup, human)).toBe(false);
    expect(isSessionReadOnly(byGroup, { ...human, groups: ["developer", "contractors"] })).toBe(true);
    const byApp = policyWith({ guardrails: [guardrail({ applicationNames: ["warden-*"], kinds: [...WRITING_KINDS] })] });
    expect(isSessionReadOnly(byApp, agent)).toBe(true);
    expect(isSessionReadOnly(byApp, human)).toBe(false);
  });

  it("counts a guardrail with no kinds (it blocks everything) and ignores a disabled one", () => {
    expect(isReadOnlyRule(guardrail({ actorKinds: ["agent"] }))).toBe(true);
    expect(isReadOnlyRule(guardrail({ kinds: [] }))).toBe(true);
    const disabled = policyWith({ guardrails: [guardrail({ actorKinds: ["agent"], kinds: [...WRITING_KINDS] }, { isEnabled: false })] });
    expect(isSessionReadOnly(disabled, agent)).toBe(false);
  });

  it("does not count a guardrail that leaves a writing kind out, or narrows by relation or flag", () => {
    for (const left of WRITING_KINDS) {
      expect(isReadOnlyRule(guardrail({ kinds: WRITING_KINDS.filter((k) => k !== left) })), left).toBe(false);
    }
    expect(isReadOnlyRule(guardrail({ kinds: [...WRITING_KINDS], relations: ["public.*"] }))).toBe(false);
    expect(isReadOnlyRule(guardrail({ kinds: [...WRITING_KINDS], flags: ["write_without_where"] }))).toBe(false);
    // An approval rule holds writes; a reviewer may let them run: not read-only.
    expect(isSessionReadOnly(defaultPolicy(), agent)).toBe(false);
  });
});

describe("withAgentsReadOnly (the policy editor's switch)", () => {
  it("adds a guardrail that makes agents' sessions read-only, and takes it away again", () => {
    const on = policyWith({ guardrails: withAgentsReadOnly(defaultPolicy().guardrails, true) });
    expect(on.guardrails[0]!.id).toBe(AGENTS_READ_ONLY_RULE_ID);
    expect(isSessionReadOnly(on, agent)).toBe(true);
    expect(isSessionReadOnly(on, human)).toBe(false);
    expect(withAgentsReadOnly(on.guardrails, true).filter((g) => g.id === AGENTS_READ_ONLY_RULE_ID)).toHaveLength(1);
    const off = policyWith({ guardrails: withAgentsReadOnly(on.guardrails, false) });
    expect(off.guardrails).toEqual(defaultPolicy().guardrails);
    expect(isSessionReadOnly(off, agent)).toBe(false);
  });
});

describe("evaluatePolicy on a read-only session", () => {
  const evaluate = (sql: string, actor: PolicyActor, policy: PolicyDocument, isReadOnlyAtStart?: boolean) => {
    const c = classifySql(sql);
    return evaluatePolicy(policy, { statements: c.statements, actor, parseError: c.isParsed ? null : c.error, isSessionReadOnly: isReadOnlyAtStart });
  };

  /** Every way to turn PostgreSQL's read-only mode off that Warden must refuse. */
  const TURNS_READ_ONLY_OFF = [
    "set default_transaction_read_only = off",
    "set default_transaction_read_only to false",
    "SET DEFAULT_TRANSACTION_READ_ONLY = 0",
    'set "default_transaction_read_only" = \'no\'',
    "set session default_transaction_read_only = 'f'",
    "set default_transaction_read_only = 'of'",
    "set default_transaction_read_only = 'fa'",
    "set default_transaction_read_only = 'n'",
    "set default_transaction_read_only = ''",
    "set default_transaction_read_only = 2",
    "set local transaction_read_only = off",
    "set transaction_read_only to 'false'",
    "set transaction read write",
    "set transaction isolation level serializable, read write",
    "set session characteristics as transaction read write",
    "set session characteristics as transaction isolation level read committed read write",
    "begin read write",
    "begin transaction isolation level repeatable read, read write",
    "start transaction read write",
    "start transaction read write, isolation level serializable",
    "begin read only, read write",
    "select set_config('default_transaction_read_only', 'off', false)",
    "select set_config('DEFAULT_TRANSACTION_READ_ONLY', 'false', false)",
    "select pg_catalog.set_config('transaction_read_only', 'off', true)",
    "select set_config('default_transaction_read_only', current_setting('x.y'), false)",
    "select set_config(name, 'off', false) from (values ('default_transaction_read_only')) v(name)",
    "select set_config(setting_name => 'default_transaction_read_only', new_value => 'off', is_local => false)",
    "select * from set_config('default_transaction_read_only', 'off', false)",
    "select 1 where set_config('default_transaction_read_only', 'off', false) is not null",
  ];

  it("refuses every statement that turns read-only mode off, with 25006", () => {
    for (const [policy, actor] of [
      [connectionReadOnly, human],
      [agentsReadOnly, agent],
    ] as const) {
      for (const sql of TURNS_READ_ONLY_OFF) {
        expect(evaluate(sql, actor, policy), sql).toMatchObject({ action: "block", sqlState: "25006", rule: { id: BUILT_IN_RULE_IDS.readOnly } });
      }
    }
  });

  it("allows what keeps it on, and the same statements on a session that may write", () => {
    for (const sql of [
      "set default_transaction_read_only = on",
      "set default_transaction_read_only = 'yes'",
      "set default_transaction_read_only = 1",
      "set default_transaction_read_only = true",
      "SET DEFAULT_TRANSACTION_READ_ONLY TO TRUE",
      "set default_transaction_read_only to default",
      "reset default_transaction_read_only",
      "reset all",
      "discard all",
      "begin read only",
      "begin isolation level serializable",
      "start transaction",
      "set transaction read only",
      "set session characteristics as transaction read only",
      "commit",
      "rollback",
      "select set_config('default_transaction_read_only', 'on', false)",
      "select pg_advisory_lock(1)",
      "select nextval('s')",
    ]) {
      expect(evaluate(sql, agent, agentsReadOnly), sql).toEqual({ action: "forward" });
    }
    for (const sql of TURNS_READ_ONLY_OFF.filter((s) => !s.includes("(name") && !s.includes("=>"))) {
      expect(evaluate(sql, human, agentsReadOnly), sql).toEqual({ action: "forward" });
    }
  });

  it("refuses writes in a query string, after COMMIT too, and names the rule that made the session read-only", () => {
    expect(evaluate("commit; delete from t", agent, agentsReadOnly)).toMatchObject({ action: "block", statementIndex: 1, rule: { id: "agents-read-only" } });
    expect(evaluate("rollback; begin read write; delete from t", agent, agentsReadOnly)).toMatchObject({
      action: "block",
      statementIndex: 1,
      sqlState: "25006",
      rule: { id: BUILT_IN_RULE_IDS.readOnly, name: 'Read-only session ("Agents only read")' },
    });
    expect(evaluate("commit; insert into t values (1)", human, connectionReadOnly)).toMatchObject({ action: "block", statementIndex: 1, sqlState: "25006" });
  });

  it("stays read-only when the session started so, even if the policy has changed since", () => {
    expect(evaluate("set default_transaction_read_only = off", human, defaultPolicy(), true)).toMatchObject({ action: "block", sqlState: "25006", rule: { name: "Read-only session" } });
    expect(evaluate("insert into t values (1)", human, defaultPolicy(), true)).toMatchObject({ action: "block", sqlState: "25006" });
    expect(evaluate("set default_transaction_read_only = off", human, defaultPolicy(), false)).toEqual({ action: "forward" });
  });
});
