import { Alert } from "@/components/ui/alert";
import type { SinkTestResult } from "@/lib/shared/contracts/event-sinks";

/** "HTTP 204 · 31 ms" (the title says whether it was delivered). */
export function describeSinkTest(result: SinkTestResult): string {
  return [result.status !== undefined && `HTTP ${result.status}`, `${result.durationMs} ms`].filter(Boolean).join(" · ");
}

/** The outcome of "Send test event". */
export function SinkTestStatus({ result, requestError }: { result?: SinkTestResult; requestError?: Error | null }) {
  if (requestError) {
    return (
      <Alert tone="danger" title="Could not send the test event">
        {requestError.message}
      </Alert>
    );
  }
  if (!result) return null;
  if (result.isDelivered) return <Alert tone="success" title="Test event delivered">{describeSinkTest(result)}</Alert>;
  return (
    <Alert tone="danger" title="Test event failed">
      <p>{describeSinkTest(result)}</p>
      {result.error && <p className="mt-1 font-mono text-xs">{result.error}</p>}
    </Alert>
  );
}
