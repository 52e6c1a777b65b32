import { PREVIEW_ACTOR_KINDS } from "@/lib/shared/contracts/policies";

export type PreviewActorKind = (typeof PREVIEW_ACTOR_KINDS)[number];

const ACTOR_LABELS: Record<PreviewActorKind, string> = { human: "A person", agent: "An AI agent", service: "A service" };

/** The options of a "who sends it" select, shared by the policy preview and the masking tab's column tracer. */
export function ActorKindOptions() {
  return PREVIEW_ACTOR_KINDS.map((k) => (
    <option key={k} value={k}>
      {ACTOR_LABELS[k]}
    </option>
  ));
}
