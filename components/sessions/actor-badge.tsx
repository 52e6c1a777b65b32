import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ActorKind } from "@/lib/shared/contracts/sessions";

const TONES: Record<ActorKind, BadgeTone> = { human: "neutral", agent: "brand", service: "warning" };

/** Who was behind a session or token: a person, an AI agent (with its name), or a service. */
export function ActorBadge({ kind, agentName }: { kind: ActorKind; agentName?: string | null }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <Badge tone={TONES[kind]}>{kind}</Badge>
      {agentName && <span className="font-mono text-xs break-all text-slate-700">{agentName}</span>}
    </span>
  );
}
