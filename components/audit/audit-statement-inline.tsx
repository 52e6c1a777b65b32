import { DecisionBadge } from "@/components/sessions/decision-badge";
import type { AuditStatementSummary } from "@/lib/shared/contracts/audit";
import type { StatementDecision } from "@/lib/shared/contracts/sessions";

const DECISIONS: readonly string[] = ["forward", "block", "hold"];

/** A statement or approval event's SQL (a few lines; the rest on expanding the row) and, for a statement, the gateway's decision. */
export function AuditStatementInline({ statement }: { statement: AuditStatementSummary }) {
  const decision = statement.decision && DECISIONS.includes(statement.decision) ? (statement.decision as StatementDecision) : null;
  return (
    <div className="mt-1.5 space-y-1" data-testid="audit-statement">
      <code className="line-clamp-3 block max-w-2xl font-mono text-xs break-all whitespace-pre-wrap text-slate-700" title={statement.sql}>
        {statement.sql}
      </code>
      {/* Only the decision: the status in the event is the one at recording time (often "running"), not the outcome. */}
      {decision && <DecisionBadge decision={decision} />}
    </div>
  );
}
