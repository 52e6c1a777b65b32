import "server-only";
import { eq } from "drizzle-orm";
import { connections } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { DemoTarget } from "@/lib/db/prepare-demo-target";
import { DEMO_GROUPS } from "@/lib/dev-oidc/demo-users";
import { demoPolicy } from "@/lib/policy/default-policy";
import { decryptCaCertificate } from "@/lib/crypto/credentials";
import { storedPassword } from "./connect-target";
import { createConnection } from "./create-connection";
import { updateConnection } from "./update-connection";

export const DEMO_CONNECTION_NAME = "demo";
const SYSTEM_ACTOR = "system:launcher";

/**
 * On the embedded default, the demo database is in the catalog as `demo`. Created on first start;
 * afterwards only re-pointed if the embedded server's port, credential or certificate changed (an
 * admin's edits to groups or description are kept). Both go through the same services, so both are
 * audited. With `caCertificate` (the embedded server serves TLS with it), the demo connection is
 * verify-full against it, as a production connection should be; without, it is `disable`, and the
 * console shows its warning.
 */
export async function ensureDemoConnection(db: Db, secretKey: Buffer, target: DemoTarget & { caCertificate?: string }) {
  const tls = target.caCertificate ? ({ sslmode: "verify-full", caCertificate: target.caCertificate } as const) : ({ sslmode: "disable" } as const);
  const [existing] = await db.select().from(connections).where(eq(connections.name, DEMO_CONNECTION_NAME));
  if (!existing) {
    return createConnection(db, secretKey, SYSTEM_ACTOR, {
      name: DEMO_CONNECTION_NAME,
      host: target.host,
      port: target.port,
      database: target.database,
      username: target.username,
      password: target.password,
      ...tls,
      allowedGroups: [...DEMO_GROUPS],
      description: "Demo shop database (customers, orders) on the embedded PostgreSQL.",
    }, demoPolicy());
  }
  let current: string | undefined;
  try {
    current = storedPassword(secretKey, existing);
  } catch {
    current = undefined;
  }
  let currentCa: string | undefined;
  try {
    currentCa = existing.caCertificateCiphertext ? decryptCaCertificate(secretKey, existing.caCertificateCiphertext, existing.id) : undefined;
  } catch {
    currentCa = undefined;
  }
  const isCaCurrent = !target.caCertificate || currentCa === target.caCertificate;
  if (existing.host === target.host && existing.port === target.port && existing.username === target.username && current === target.password && isCaCurrent) return;
  return updateConnection(db, secretKey, SYSTEM_ACTOR, existing.id, {
    ...existing,
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.username,
    password: target.password,
    // A new certificate (or a demo from before TLS): verify-full against it.
    ...(isCaCurrent ? {} : tls),
  });
}
