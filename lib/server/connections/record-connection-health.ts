import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { connections, type Connection } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { TestConnectionResult } from "@/lib/shared/contracts/connections";

/** One line for the list and the detail: "PostgreSQL 18.1 · TLSv1.3 · 12 ms", or the server's reason and SQLSTATE. */
export function describeHealth(result: TestConnectionResult): string {
  if (!result.ok) return result.code ? `${result.error.replace(/\.$/, "")} (${result.code})` : result.error;
  return [result.serverVersion, result.tlsDetails ? result.tlsDetails.version : "no TLS", `${result.latencyMs} ms`].join(" · ");
}

/**
 * Keeps the result of a test of the saved settings as the connection's health. The row is written
 * only while it still holds the settings that were tested: an edit saved while the test ran (which
 * clears the health) is not overwritten by a result about the old settings.
 */
export async function recordConnectionHealth(db: DbOrTx, tested: Connection, result: TestConnectionResult, testedAt = new Date()): Promise<boolean> {
  const rows = await db
    .update(connections)
    .set({ lastTestedAt: testedAt, lastTestOk: result.ok, lastTestMessage: describeHealth(result) })
    .where(
      and(
        eq(connections.id, tested.id),
        eq(connections.host, tested.host),
        eq(connections.port, tested.port),
        eq(connections.database, tested.database),
        eq(connections.username, tested.username),
        eq(connections.sslmode, tested.sslmode),
        eq(connections.allowMd5WithoutTls, tested.allowMd5WithoutTls),
        sql`${connections.passwordCiphertext} is not distinct from ${tested.passwordCiphertext}`,
        sql`${connections.caCertificateCiphertext} is not distinct from ${tested.caCertificateCiphertext}`,
      ),
    )
    .returning({ id: connections.id });
  return rows.length > 0;
}
