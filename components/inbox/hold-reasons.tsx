import { Badge } from "@/components/ui/badge";
import { FLAG_LABELS, type StatementFlag } from "@/lib/policy/statement-flags";
import { KIND_SHORT_LABELS } from "@/lib/policy/statement-kind-labels";
import type { StatementKind } from "@/lib/policy/statement-kind";
import type { ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { BlastRadiusTable } from "./blast-radius-table";

const relationName = (r: { schema: string | null; name: string }) => (r.schema ? `${r.schema}.${r.name}` : r.name);

/** Why the statement was held: the rule, the criteria it matched, and what the classifier saw. */
export function HoldReasons({ request }: { request: ApprovalRequestDto }) {
  const { classification } = request;
  const writes = classification.relations.filter((r) => r.access === "write");
  const reads = classification.relations.filter((r) => r.access === "read");
  return (
    <div className="space-y-2 text-sm">
      <p className="text-slate-700">
        Held by <span className="font-semibold text-slate-900">{request.ruleName}</span>
      </p>
      {request.reasons.length > 0 && (
        <div className="flex flex-wrap items-center gap-1.5">
          <span className="text-xs text-slate-500">Matched</span>
          <ul aria-label="Why it was held" className="contents">
            {request.reasons.map((r, i) => (
              <li key={i}>
                <Badge tone="brand">{r}</Badge>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="text-xs text-slate-500">Classified</span>
        <Badge tone={classification.kind === "read" ? "neutral" : "warning"}>{KIND_SHORT_LABELS[classification.kind as StatementKind] ?? classification.kind}</Badge>
        {classification.flags.map((f) => (
          <Badge key={f} tone="danger">
            {FLAG_LABELS[f as StatementFlag] ?? f}
          </Badge>
        ))}
        {writes.length > 0 && <span className="text-xs text-slate-500">writes <span className="font-mono text-slate-700">{writes.map(relationName).join(", ")}</span></span>}
        {reads.length > 0 && <span className="text-xs text-slate-500">reads <span className="font-mono text-slate-700">{reads.map(relationName).join(", ")}</span></span>}
      </div>
      {request.blastRadius && <BlastRadiusTable radius={request.blastRadius} />}
    </div>
  );
}
