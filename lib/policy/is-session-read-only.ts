import type { ClassifiedStatement } from "./classify-statement";
import { matchRule, type PolicyActor } from "./match-rule";
import type { Guardrail, PolicyDocument } from "./policy-document";
import type { StatementKind } from "./statement-kind";

/**
 * Kinds that can change something: data (write), schema (ddl), privileges (dcl), the server or a
 * database (admin), and code that runs arbitrary statements (procedural: DO, CALL, EXECUTE). A
 * read-only connection refuses them all; a guardrail makes a session read-only only when it blocks
 * every one of them.
 */
export const WRITING_KINDS: readonly StatementKind[] = ["write", "ddl", "dcl", "admin", "procedural"];

/** Why a session is read-only: the connection's access setting, or a guardrail that blocks every write for this actor. */
export type ReadOnlyReason = { source: "connection" } | { source: "guardrail"; rule: Guardrail };

/**
 * Whether a session of this actor is read-only under this policy, and why; null when it is not.
 * Read-only means: `access.isReadOnly`, or an enabled guardrail that blocks every writing kind
 * (its `kinds` absent, empty, or holding all of WRITING_KINDS) whatever the statement touches (no
 * `relations` or `flags` narrowing it) and whose identity criteria (actor kinds, agent names,
 * groups, application names) hold for this actor: "agents are read-only" is
 * `{ actorKinds: ["agent"], kinds: [...WRITING_KINDS] }`. A read-only session is held read-only by
 * PostgreSQL too: the gateway starts its upstream session with default_transaction_read_only=on
 * and refuses whatever would turn that off. Pure: the gateway, the console and the MCP server agree.
 */
export function sessionReadOnlyReason(policy: PolicyDocument, actor: PolicyActor): ReadOnlyReason | null {
  if (policy.access.isReadOnly) return { source: "connection" };
  for (const rule of policy.guardrails) {
    if (rule.isEnabled && isReadOnlyRule(rule) && matchesIdentity(rule, actor)) return { source: "guardrail", rule };
  }
  return null;
}

export function isSessionReadOnly(policy: PolicyDocument, actor: PolicyActor): boolean {
  return sessionReadOnlyReason(policy, actor) !== null;
}

/** A guardrail that blocks every writing statement, whatever it touches (who it applies to aside). */
export function isReadOnlyRule(rule: Guardrail): boolean {
  const { kinds, flags, relations } = rule.match;
  if (flags?.length || relations?.length) return false;
  return !kinds?.length || WRITING_KINDS.every((k) => kinds.includes(k));
}

/**
 * Any statement, for matching a rule's identity criteria alone: matchRule reads a statement's kind,
 * flags and relations only when the rule lists them, and the criteria passed here list none.
 */
const ANY_STATEMENT: ClassifiedStatement = { sql: "", kind: "read", command: "", relations: [], fingerprint: null, flags: [] };

function matchesIdentity(rule: Guardrail, actor: PolicyActor): boolean {
  const { actorKinds, agentNames, groups, applicationNames } = rule.match;
  return matchRule({ actorKinds, agentNames, groups, applicationNames }, ANY_STATEMENT, actor) !== null;
}

/** The id of the guardrail the policy editor's "Agents are read-only" switch adds and removes. */
export const AGENTS_READ_ONLY_RULE_ID = "agents-read-only";

/** The guardrail that makes every agent's session read-only: what the editor's switch adds. */
export function agentsReadOnlyGuardrail(): Guardrail {
  return {
    id: AGENTS_READ_ONLY_RULE_ID,
    name: "Agents only read",
    isEnabled: true,
    match: { actorKinds: ["agent"], kinds: [...WRITING_KINDS] },
    message: "AI agents may only read on this connection; a person must make changes.",
  };
}

/** A copy of the guardrails with the editor's agents-read-only rule added first (on) or removed (off). */
export function withAgentsReadOnly(guardrails: readonly Guardrail[], isOn: boolean): Guardrail[] {
  const others = guardrails.filter((g) => g.id !== AGENTS_READ_ONLY_RULE_ID);
  return isOn ? [agentsReadOnlyGuardrail(), ...others] : others;
}
