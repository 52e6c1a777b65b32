import "server-only";
import type { Db } from "@/lib/db/create-db";
import { testConnectionInput, type TestConnectionInput, type TestConnectionResult } from "@/lib/shared/contracts/connections";
import { connectTarget, describeConnectError, targetParamsOf, type TargetParams } from "./connect-target";
import { parseCaCertificate } from "./ca-certificate";
import { findConnectionRow } from "./list-connections";
import { recordConnectionHealth } from "./record-connection-health";
import { ServiceError } from "./service-error";

/**
 * Connects with the given (or stored) settings and reports the server version, how the password
 * went and what TLS gave, or the exact reason it failed. When the settings tested are the saved
 * ones (a saved connection, nothing retyped differently), the result becomes the connection's health.
 */
export async function testConnection(db: Db, secretKey: Buffer, input: TestConnectionInput): Promise<TestConnectionResult> {
  const data = testConnectionInput.parse(input);
  let password = data.password || undefined;
  let caCertificate = data.caCertificate?.trim() ? parseCaCertificate(data.caCertificate) : undefined;
  const row = data.id ? await findConnectionRow(db, data.id) : undefined;
  if (data.id && !row) throw new ServiceError("This connection does not exist (any more).", 404);
  const stored = row && targetParamsOf(secretKey, row);
  password ??= stored?.password;
  caCertificate ??= stored?.caCertificate;
  const params: TargetParams = { ...data, password, caCertificate };
  const result = await probeTarget(params);
  if (row && stored && isSameTarget(params, stored)) await recordConnectionHealth(db, row, result);
  return result;
}

/** Whether a test ran against exactly the saved settings, so its result says something about the saved connection. */
function isSameTarget(tested: TargetParams, saved: TargetParams): boolean {
  return (
    tested.host === saved.host &&
    tested.port === saved.port &&
    tested.database === saved.database &&
    tested.username === saved.username &&
    tested.sslmode === saved.sslmode &&
    Boolean(tested.allowMd5WithoutTls) === Boolean(saved.allowMd5WithoutTls) &&
    tested.password === saved.password &&
    tested.caCertificate === saved.caCertificate
  );
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
