import { ACTOR_KIND_VALUES, type PolicyDocument, type PolicyMatch } from "./policy-document";
import { STATEMENT_KINDS } from "./statement-kind";

/**
 * Rules that would match every statement on a connection: a guardrail that blocks everything, or an
 * approval rule that holds every read for a reviewer. An empty match means "anything" (so a rule with
 * no condition matches everything), and so do conditions that list every value there is. Saving such
 * a rule takes an explicit confirmation, in the editor and on the server. Pure.
 *
 * Blast-radius limits are left out on purpose: they only measure writes the policy already lets
 * through, and one limit for every write is their ordinary use (the default policy has one).
 */

export type MatchAllRule = {
  /** JSON path of the rule's match ("guardrails.0.match"), where the server keys its refusal. */
  path: string;
  list: "guardrails" | "approvals";
  index: number;
  id: string;
  name: string;
  /** Why it matters, for the confirmation and next to the rule: "This rule matches every statement: …". */
  message: string;
};

/** A glob that is only `*` matches any text, the empty application name included. */
const isAnyText = (pattern: string) => /^\*+$/.test(pattern.trim());

const coversAll = (given: readonly string[], all: readonly string[]) => all.every((value) => given.includes(value));

/**
 * Whether a match holds for every statement from anyone: each condition it sets is one that every
 * statement meets. Flags, tables, agent names and groups never are (a `SELECT 1` touches no table, a
 * person has no agent name); every statement kind, every kind of actor, or an application name of
 * `*` always are.
 */
export function isMatchAll(match: PolicyMatch): boolean {
  const isSet = (list: readonly string[] | undefined): list is readonly string[] => Array.isArray(list) && list.length > 0;
  if (isSet(match.flags) || isSet(match.relations) || isSet(match.agentNames) || isSet(match.groups)) return false;
  if (isSet(match.kinds) && !coversAll(match.kinds, STATEMENT_KINDS)) return false;
  if (isSet(match.actorKinds) && !coversAll(match.actorKinds, ACTOR_KIND_VALUES)) return false;
  if (isSet(match.applicationNames) && !match.applicationNames.some(isAnyText)) return false;
  return true;
}

const MESSAGES = {
  guardrails: "This rule matches every statement: it blocks every statement on this connection, reads included, for everyone.",
  approvals: "This rule matches every statement: every statement on this connection, reads included, waits for a reviewer.",
} as const;

/** The enabled guardrails and approval rules that match every statement, in document order. */
export function findMatchAllRules(doc: Pick<PolicyDocument, "guardrails" | "approvals">): MatchAllRule[] {
  const found: MatchAllRule[] = [];
  for (const list of ["guardrails", "approvals"] as const) {
    const rules: readonly { id: string; name: string; isEnabled: boolean; match: PolicyMatch }[] = doc[list];
    rules.forEach((rule, index) => {
      if (rule.isEnabled && isMatchAll(rule.match)) {
        found.push({ path: `${list}.${index}.match`, list, index, id: rule.id, name: rule.name, message: MESSAGES[list] });
      }
    });
  }
  return found;
}
