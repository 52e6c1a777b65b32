import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { StatementDecision, StatementStatus } from "@/lib/shared/contracts/sessions";

export const DECISION_LABELS: Record<StatementDecision, string> = { forward: "Allowed", block: "Blocked", hold: "Held for approval" };
const DECISION_TONES: Record<StatementDecision, BadgeTone> = { forward: "success", block: "danger", hold: "warning" };

/** What the gateway decided about a statement, and how it ended (ok, error, …) when that adds something. */
export function DecisionBadge({ decision, status }: { decision: StatementDecision; status?: StatementStatus }) {
  const label = DECISION_LABELS[decision] ?? decision;
  const tone = DECISION_TONES[decision] ?? "neutral";
  const showStatus = status && status !== "ok" && !(decision === "block" && status === "blocked");
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge tone={tone}>{label}</Badge>
      {showStatus && <Badge tone={status === "error" ? "danger" : "neutral"}>{status}</Badge>}
    </span>
  );
}
