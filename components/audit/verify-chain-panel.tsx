"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DateTime } from "@/components/ui/date-time";
import { useVerifyAuditTrail } from "@/lib/client/audit-verification";
import type { AuditVerificationDto } from "@/lib/shared/contracts/audit-verification";

/** "Verify chain": the same check as `warden verify`, and the range it covered. */
export function VerifyChainPanel() {
  const verify = useVerifyAuditTrail();
  return (
    <div className="mb-4 space-y-3">
      <Button variant="secondary" isLoading={verify.isPending} onClick={() => verify.mutate()}>
        Verify chain
      </Button>
      {verify.isError && <Alert tone="danger" title="Could not verify the audit trail">{verify.error.message}</Alert>}
      {verify.data && <VerificationResult result={verify.data} />}
    </div>
  );
}

function VerificationResult({ result }: { result: AuditVerificationDto }) {
  const { range } = result;
  return (
    <Alert tone={result.isIntact ? "success" : "danger"} title={result.isIntact ? `Audit trail intact: ${result.checked} events checked` : `Audit trail NOT intact (${result.checked} events checked)`}>
      <p data-testid="verified-range">
        {range.firstSeq === null ? (
          "No events yet."
        ) : (
          <>
            Verified events #{range.firstSeq} to #{range.lastSeq} (<DateTime value={range.firstOccurredAt!} /> to <DateTime value={range.lastOccurredAt!} />),{" "}
          </>
        )}
        {range.anchor.kind === "genesis" ? (
          "from the first event."
        ) : (
          <>
            from signed checkpoint #{range.anchor.checkpointId}
            {range.anchor.isSignatureValid ? "" : " (its signature does NOT verify)"}: events before <DateTime value={range.anchor.droppedBefore} /> were dropped by retention.
          </>
        )}
      </p>
      {result.problems.length > 0 && (
        <ul className="mt-2 list-disc pl-5">
          {result.problems.map((p, i) => (
            <li key={`${p.seq}-${p.problem}-${i}`}>
              #{p.seq}: {p.problem.replace("_", " ")}: {p.detail}
            </li>
          ))}
        </ul>
      )}
      {result.waiting > 0 && <p className="mt-1">{result.waiting} gateway events are waiting to be chained (not checked yet).</p>}
    </Alert>
  );
}
