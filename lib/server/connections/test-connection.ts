import "server-only";
import type { Db } from "@/lib/db/create-db";
import { testConnectionInput, type TestConnectionInput, type TestConnectionResult } from "@/lib/shared/contracts/connections";
import { connectTarget, describeConnectError, targetParamsOf, type TargetParams } from "./connect-target";
import { parseCaCertificate } from "./ca-certificate";
import { findConnectionRow } from "./list-connections";
import { ServiceError } from "./service-error";

/**
 * Connects with the given (or stored) settings and reports the server version, how the password
 * went and what TLS gave, or the exact reason it failed.
 */
export async function testConnection(db: Db, secretKey: Buffer, input: TestConnectionInput): Promise<TestConnectionResult> {
  const data = testConnectionInput.parse(input);
  let password = data.password || undefined;
  let caCertificate = data.caCertificate?.trim() ? parseCaCertificate(data.caCertificate) : undefined;
  if (data.id && (!password || !caCertificate)) {
    const row = await findConnectionRow(db, data.id);
    if (!row) throw new ServiceError("This connection does not exist (any more).", 404);
    const stored = targetParamsOf(secretKey, row);
    password ??= stored.password;
    caCertificate ??= stored.caCertificate;
  }
  return probeTarget({ ...data, password, caCertificate });
}

export async function probeTarget(params: TargetParams): Promise<TestConnectionResult> {
  const started = performance.now();
  try {
    const { client, tls, signIn } = await connectTarget(params);
    try {
      const { rows } = await client.query<{ server_version: string }>("show server_version");
      return {
        ok: true,
        serverVersion: `PostgreSQL ${rows[0].server_version}`,
        latencyMs: Math.round(performance.now() - started),
        tls,
        authMethod: signIn.authMethod,
        tlsDetails: signIn.tls && { ...signIn.tls, verifiedAgainst: signIn.tls.isVerified ? (params.sslmode === "verify-full" ? `the stored CA, for host ${params.host}` : "the stored CA (host name not checked)") : null },
      };
    } finally {
      await client.end().catch(() => {});
    }
  } catch (err) {
    return { ok: false, ...describeConnectError(err, params) };
  }
}
