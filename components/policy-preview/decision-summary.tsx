import { Alert } from "@/components/ui/alert";
import { formatDuration } from "@/components/ui/format-duration";
import type { PreviewDecisionDto } from "@/lib/shared/contracts/policies";

/** What the gateway would do, in one box: forwarded, blocked with its message, or held for whom. */
export function DecisionSummary({ decision, statementCount, isDecidedByLineage = false }: { decision: PreviewDecisionDto; statementCount: number; isDecidedByLineage?: boolean }) {
  const which = statementCount > 1 && decision.action !== "forward" ? ` (statement ${decision.statementIndex + 1})` : "";
  // No rule stops it, but the policy's lineage options hold or block it (shown below): "Forwarded" would mislead.
  if (decision.action === "forward" && isDecidedByLineage) {
    return (
      <Alert tone="info" title="No rule matches">
        No guardrail or approval rule matches; the policy&apos;s lineage options decide, below.
      </Alert>
    );
  }
  if (decision.action === "forward") {
    return (
      <Alert tone="success" title="Forwarded">
        No guardrail or approval rule matches: the gateway would run {statementCount > 1 ? "these statements" : "this statement"}.
      </Alert>
    );
  }
  if (decision.action === "block") {
    return (
      <Alert tone="danger" title={`Blocked by “${decision.rule.name}”${which}`}>
        <p>
          The client would get SQLSTATE <code className="font-mono">{decision.sqlState}</code>: “{decision.message}”
        </p>
        <Reasons reasons={decision.reasons} />
      </Alert>
    );
  }
  return (
    <Alert tone="warning" title={`Held for approval by “${decision.rule.name}”${which}`}>
      <p>
        {decision.minApprovals === 1 ? "One approval" : `${decision.minApprovals} approvals`} from {decision.reviewerGroups.join(", ")}, within{" "}
        {formatDuration(decision.timeoutSeconds * 1000)}; {decision.allowGrants ? "reviewers may grant the exact statement (or, explicitly, its shape) for a while." : "no time-boxed grants."}
      </p>
      <Reasons reasons={decision.reasons} />
    </Alert>
  );
}

function Reasons({ reasons }: { reasons: string[] }) {
  if (reasons.length === 0) return null;
  return (
    <div className="mt-2">
      <p className="font-medium">Matched</p>
      <ul className="mt-0.5 list-disc pl-5">
        {reasons.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
    </div>
  );
}
