import { Alert } from "@/components/ui/alert";
import type { TestConnectionResult } from "@/lib/shared/contracts/connections";

/** "Connected: PostgreSQL 18.4 · TLS · 12 ms" */
export function describeTestSuccess(result: Extract<TestConnectionResult, { ok: true }>): string {
  return `Connected: ${result.serverVersion} · ${result.tls ? "TLS" : "no TLS"} · ${result.latencyMs} ms`;
}

/** The outcome of "Test connection": the server version, or the server's exact reason in red. */
export function TestConnectionStatus({ result, requestError }: { result?: TestConnectionResult; requestError?: Error | null }) {
  if (requestError) {
    return (
      <Alert tone="danger" title="Could not run the test">
        {requestError.message}
      </Alert>
    );
  }
  if (!result) return null;
  if (result.ok) return <Alert tone="success">{describeTestSuccess(result)}</Alert>;
  return (
    <Alert tone="danger" title="Connection failed">
      <span>{result.error}</span>
      {result.code && <span className="ml-2 rounded bg-red-100 px-1 font-mono text-xs">{result.code}</span>}
    </Alert>
  );
}
