import type { PolicyMatch } from "./policy-document";
import { FLAG_LABELS, type StatementFlag } from "./statement-flags";
import { KIND_SHORT_LABELS } from "./statement-kind-labels";

const ACTOR_PLURALS = { human: "people", agent: "agents", service: "services" } as const;

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

const has = (list: readonly unknown[] | undefined): list is readonly string[] => Array.isArray(list) && list.length > 0;

/**
 * A rule's match in one sentence ("Write or DDL statements by agents in group contractors"), shown on
 * a collapsed rule so the list reads as the policy it is. Empty criteria match anything, so they are
 * left out, and a match with none reads "Every statement".
 */
export function describeMatch(match: PolicyMatch): string {
  const parts: string[] = [];
  parts.push(has(match.kinds) ? `${orList(match.kinds.map((k) => KIND_SHORT_LABELS[k as keyof typeof KIND_SHORT_LABELS] ?? k))} statements` : "every statement");
  if (has(match.flags)) parts.push(`flagged ${orList(match.flags.map((f) => FLAG_LABELS[f as StatementFlag] ?? f))}`);
  if (has(match.relations)) parts.push(`on ${orList(match.relations)}`);
  if (has(match.actorKinds)) parts.push(`by ${orList(match.actorKinds.map((k) => ACTOR_PLURALS[k as keyof typeof ACTOR_PLURALS] ?? k))}`);
  if (has(match.agentNames)) parts.push(`${has(match.actorKinds) ? "named" : "by agents named"} ${orList(match.agentNames)}`);
  if (has(match.groups)) parts.push(`in ${match.groups.length === 1 ? "group" : "groups"} ${orList(match.groups)}`);
  if (has(match.applicationNames)) parts.push(`from ${match.applicationNames.length === 1 ? "application" : "applications"} ${orList(match.applicationNames)}`);
  const sentence = parts.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
