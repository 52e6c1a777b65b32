import type { ClassifiedStatement } from "./classify-statement";
import type { RelationRef } from "./collect-relations";
import type { ACTOR_KIND_VALUES, PolicyMatch } from "./policy-document";
import { FLAG_LABELS } from "./statement-flags";

/** Who sent a statement, as policy sees them. */
export type PolicyActor = {
  userName: string;
  actorKind: (typeof ACTOR_KIND_VALUES)[number];
  agentName: string | null;
  groups: string[];
  applicationName: string | null;
};

const globCache = new Map<string, RegExp>();

/** `*` is any run of characters, `?` one character; the whole value must match, ignoring case. */
export function matchesGlob(pattern: string, value: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    let source = "";
    for (const c of pattern) source += c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    re = new RegExp(`^${source}$`, "isu");
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re.test(value);
}

/**
 * `schema.table` or `table` (any schema), with globs in either part. A relation named without a
 * schema may be in any schema on the search path, so it matches whatever schema the pattern names:
 * a rule on `public.payments` must not be dodged by writing `payments`.
 */
export function matchesRelation(pattern: string, relation: RelationRef): boolean {
  const dot = pattern.lastIndexOf(".");
  const tablePattern = dot < 0 ? pattern : pattern.slice(dot + 1);
  const schemaPattern = dot < 0 ? null : pattern.slice(0, dot);
  if (!matchesGlob(tablePattern, relation.name)) return false;
  return schemaPattern === null || relation.schema === null || matchesGlob(schemaPattern, relation.schema);
}

function relationName(r: RelationRef): string {
  return r.schema ? `${r.schema}.${r.name}` : r.name;
}

/**
 * Whether a rule's match holds for one statement and its actor. Every criterion given must hold (an
 * absent or empty list holds for anything); within a list any entry will do. Returns the reasons,
 * one per criterion that was given, worded for the client's notice and the reviewer's inbox, or null.
 */
export function matchRule(match: PolicyMatch, statement: ClassifiedStatement, actor: PolicyActor): string[] | null {
  const reasons: string[] = [];
  const given = <T>(list: T[] | undefined): list is T[] => Array.isArray(list) && list.length > 0;

  if (given(match.kinds)) {
    if (!match.kinds.includes(statement.kind)) return null;
    reasons.push(`a ${statement.kind} statement (${statement.command})`);
  }
  if (given(match.flags)) {
    const hits = match.flags.filter((f) => statement.flags.includes(f));
    if (hits.length === 0) return null;
    reasons.push(...hits.map((f) => FLAG_LABELS[f]));
  }
  if (given(match.relations)) {
    const hits = statement.relations.filter((r) => match.relations!.some((p) => matchesRelation(p, r)));
    if (hits.length === 0) return null;
    reasons.push(`touches ${hits.map(relationName).join(", ")}`);
  }
  if (given(match.actorKinds)) {
    if (!match.actorKinds.includes(actor.actorKind)) return null;
    reasons.push(`sent by ${actor.actorKind === "agent" ? "an agent" : `a ${actor.actorKind}`}`);
  }
  if (given(match.agentNames)) {
    if (!actor.agentName || !match.agentNames.some((p) => matchesGlob(p, actor.agentName!))) return null;
    reasons.push(`agent ${actor.agentName}`);
  }
  if (given(match.groups)) {
    const hits = match.groups.filter((g) => actor.groups.includes(g));
    if (hits.length === 0) return null;
    reasons.push(`group ${hits.join(", ")}`);
  }
  if (given(match.applicationNames)) {
    const app = actor.applicationName ?? "";
    if (!match.applicationNames.some((p) => matchesGlob(p, app))) return null;
    reasons.push(`application ${app || "(none)"}`);
  }
  if (reasons.length === 0) reasons.push("every statement");
  return reasons;
}
