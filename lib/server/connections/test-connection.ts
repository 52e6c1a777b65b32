import "server-only";
import type { Db } from "@/lib/db/create-db";
import { testConnectionInput, type TestConnectionInput, type TestConnectionResult } from "@/lib/shared/contracts/connections";
import { connectTarget, describeConnectError, storedPassword, type TargetParams } from "./connect-target";
import { findConnectionRow } from "./list-connections";
import { ServiceError } from "./service-error";

/** Connects with the given (or stored) settings and reports the server version, or the exact reason it failed. */
export async function testConnection(db: Db, secretKey: Buffer, input: TestConnectionInput): Promise<TestConnectionResult> {
  const data = testConnectionInput.parse(input);
  let password = data.password || undefined;
  if (!password && data.id) {
    const row = await findConnectionRow(db, data.id);
    if (!row) throw new ServiceError("This connection does not exist (any more).", 404);
    password = storedPassword(secretKey, row);
  }
  return probeTarget({ ...data, password });
}

export async function probeTarget(params: TargetParams): Promise<TestConnectionResult> {
  const started = performance.now();
  try {
    const { client, tls } = await connectTarget(params);
    try {
      const { rows } = await client.query<{ server_version: string }>("show server_version");
      return { ok: true, serverVersion: `PostgreSQL ${rows[0].server_version}`, latencyMs: Math.round(performance.now() - started), tls };
    } finally {
      await client.end().catch(() => {});
    }
  } catch (err) {
    return { ok: false, ...describeConnectError(err, params) };
  }
}
