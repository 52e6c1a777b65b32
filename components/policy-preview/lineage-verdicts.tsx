import { Alert } from "@/components/ui/alert";
import { formatDuration } from "@/components/ui/format-duration";
import type { PreviewLineageDto } from "@/lib/shared/contracts/policies";
import { describeLineageVerdict } from "./describe-lineage";

/**
 * What the policy's lineage options do with the SQL (copies of masked data, filters on masked
 * columns, statements whose lineage cannot be told), beside the rules' decision; or why lineage could
 * not be worked out (the target unreachable), which leaves the rest of the preview standing.
 */
export function LineageVerdicts({ lineage, statementCount }: { lineage: PreviewLineageDto; statementCount: number }) {
  if (lineage.status === "unavailable") {
    return (
      <Alert tone="warning" title="Lineage and masks could not be worked out">
        {lineage.message} The classification and the rules&apos; decision stand; copies of masked data and filters on masked columns could not be judged.
      </Alert>
    );
  }
  return (
    <div className="space-y-2" data-testid="lineage-verdicts">
      {lineage.exemptGroup && (
        <Alert tone="info" title="Exempt from masking">
          As a member of {lineage.exemptGroup}, this sender gets values unmasked; the masks below are what everyone else gets.
        </Alert>
      )}
      {lineage.verdicts.map((v, i) => (
        <Alert key={i} tone={v.action === "hold" ? "warning" : "danger"} title={`${describeLineageVerdict(v)}${statementCount > 1 ? ` (statement ${v.statementIndex + 1})` : ""}`}>
          {v.action === "hold" ? (
            <p>
              One approval from {v.reviewerGroups.join(", ")}, within {formatDuration(v.timeoutSeconds * 1000)}; no time-boxed grants.
            </p>
          ) : (
            <p>The client would get an error; the statement would not run.</p>
          )}
          <ul className="mt-1 list-disc pl-5">
            {v.reasons.map((r, j) => (
              <li key={j}>{r}</li>
            ))}
          </ul>
        </Alert>
      ))}
      {lineage.verdicts.length === 0 && <p className="text-sm text-slate-500">Lineage: no copy of masked data, no filter on a masked column that the policy holds.</p>}
    </div>
  );
}
