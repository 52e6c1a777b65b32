import type { ApprovalRule, BlastRadiusRule, Guardrail, PolicyMatch } from "@/lib/policy/policy-document";
import { defaultBlastRadiusLimits } from "@/lib/policy/default-policy";

/**
 * Rules as "Add" creates them: valid from the start (so the form does not open in red), with an id
 * that is unique and stays put when the rule is renamed, because approval requests and the audit trail
 * name rules by id. A new guardrail or approval rule has no condition yet, and a rule without one
 * matches every statement, so it starts switched off: it matches nothing until a condition is set
 * (the rules list switches it on then, see rules-section.tsx).
 */
function newRuleId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export function newGuardrail(): Guardrail {
  return { id: newRuleId("guardrail"), name: "New guardrail", isEnabled: false, match: {}, message: "This statement is not allowed by the connection's policy." };
}

export function newApprovalRule(): ApprovalRule {
  return {
    id: newRuleId("approval"),
    name: "New approval rule",
    isEnabled: false,
    match: {},
    reviewerGroups: ["reviewer"],
    minApprovals: 1,
    timeoutSeconds: 15 * 60,
    allowGrants: true,
  };
}

export function newBlastRadiusRule(): BlastRadiusRule {
  return {
    id: newRuleId("blast-radius"),
    name: "New blast-radius limit",
    isEnabled: true,
    ...defaultBlastRadiusLimits(),
  };
}

/** Whether a rule sets any condition at all (an empty list is no condition). */
export function hasCondition(match: PolicyMatch): boolean {
  return Object.values(match).some((list) => Array.isArray(list) && list.length > 0);
}

/**
 * An edit of a new rule that is still waiting for its first condition: once the edit sets one, the
 * rule is switched on, since that is what the admin is building it for. Anything else passes as is,
 * including the admin switching it on or off by hand.
 */
export function enableOnFirstCondition<R extends { isEnabled: boolean; match: PolicyMatch }>(before: R, after: R): R {
  if (before.isEnabled || after.isEnabled || hasCondition(before.match) || !hasCondition(after.match)) return after;
  return { ...after, isEnabled: true };
}

/** A copy of `list` with the item at `from` moved to `to` (clamped to the list). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const target = Math.max(0, Math.min(next.length - 1, to));
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(target, 0, item);
  return next;
}
