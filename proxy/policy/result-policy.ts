import type { ActorKind } from "@/drizzle/schema";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import type { Decision, ForwardDecision, ResultPolicy } from "../hooks/gateway-hooks";

type Forwards = { capped: ForwardDecision; uncapped: ForwardDecision };

/** One forward decision per policy document and kind of actor: the hot path allocates nothing. */
const forwards = new WeakMap<PolicyDocument, Forwards>();

/**
 * The caps a policy puts on a statement's result: the recording keeps `recording.resultRowCap` rows
 * and `resultByteCap` bytes of it; an agent's session receives at most `access.agentRowCap` rows
 * (people and services are not capped).
 */
export function resultPolicyOf(policy: PolicyDocument, actorKind: ActorKind): ResultPolicy {
  return forwardOf(policy, actorKind).result!;
}

/** The forward decision that carries the policy's result caps (the same object every time). */
export function forwardOf(policy: PolicyDocument, actorKind: ActorKind): ForwardDecision {
  let f = forwards.get(policy);
  if (!f) {
    const recorded = { recordedRows: policy.recording.resultRowCap, recordedBytes: policy.recording.resultByteCap };
    f = {
      capped: { action: "forward", result: { ...recorded, clientRows: policy.access.agentRowCap } },
      uncapped: { action: "forward", result: { ...recorded, clientRows: null } },
    };
    forwards.set(policy, f);
  }
  return actorKind === "agent" ? f.capped : f.uncapped;
}

/**
 * The decision with the policy's result caps on it: a forward gets them; a hold gets them on the
 * forward its reviewers' approval will be. A block has no result.
 */
export function withResultPolicy(decision: Decision, result: ResultPolicy): Decision {
  switch (decision.action) {
    case "forward":
      return decision.result ? decision : { ...decision, result };
    case "block":
      return decision;
    case "hold":
      return { ...decision, outcome: decision.outcome.then((final) => (final.action === "forward" && !final.result ? { ...final, result } : final)) };
  }
}
