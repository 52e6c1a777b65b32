import type { ApprovalRule, BlastRadiusRule, Guardrail } from "@/lib/policy/policy-document";
import { defaultBlastRadiusLimits } from "@/lib/policy/default-policy";

/**
 * Rules as "Add" creates them: valid from the start (so the form does not open in red), with an id
 * that is unique and stays put when the rule is renamed, because approval requests and the audit trail
 * name rules by id.
 */
function newRuleId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export function newGuardrail(): Guardrail {
  return { id: newRuleId("guardrail"), name: "New guardrail", isEnabled: true, match: {}, message: "This statement is not allowed by the connection's policy." };
}

export function newApprovalRule(): ApprovalRule {
  return {
    id: newRuleId("approval"),
    name: "New approval rule",
    isEnabled: true,
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

/** A copy of `list` with the item at `from` moved to `to` (clamped to the list). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const target = Math.max(0, Math.min(next.length - 1, to));
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(target, 0, item);
  return next;
}
