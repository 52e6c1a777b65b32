import { Alert } from "@/components/ui/alert";
import type { TestConnectionResult } from "@/lib/shared/contracts/connections";
import type { UpstreamAuthMethod } from "@/lib/shared/upstream-credential";

const AUTH_LABELS: Record<UpstreamAuthMethod, string> = {
  "scram-sha-256-plus": "SCRAM-SHA-256-PLUS (channel binding)",
  "scram-sha-256": "SCRAM-SHA-256",
  md5: "MD5 inside TLS",
  "md5-without-tls": "MD5 without TLS",
  "cleartext-over-tls": "cleartext password inside TLS",
  trust: "no password asked",
};

/** "Connected: PostgreSQL 18.4 · TLSv1.3 (TLS_AES_256_GCM_SHA384), certificate verified against the stored CA · SCRAM-SHA-256-PLUS · 12 ms" */
export function describeTestSuccess(result: Extract<TestConnectionResult, { ok: true }>): string {
  const t = result.tlsDetails;
  const tls = t ? `${t.version} (${t.cipher}), ${t.isVerified ? `certificate verified against ${t.verifiedAgainst}` : "certificate NOT verified"}` : "no TLS";
  return `Connected: ${result.serverVersion} · ${tls} · sign-in: ${AUTH_LABELS[result.authMethod]} · ${result.latencyMs} ms`;
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
  if (result.ok) return <Alert tone={result.tlsDetails?.isVerified ? "success" : "warning"}>{describeTestSuccess(result)}</Alert>;
  return (
    <Alert tone="danger" title="Connection failed">
      <span>{result.error}</span>
      {result.code && <span className="ml-2 rounded bg-red-100 px-1 font-mono text-xs">{result.code}</span>}
    </Alert>
  );
}
