import "server-only";
import { eq } from "drizzle-orm";
import { connections } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { DemoTarget } from "@/lib/db/prepare-demo-target";
import { DEMO_GROUPS } from "@/lib/dev-oidc/demo-users";
import { demoPolicy } from "@/lib/policy/default-policy";
import { storedPassword } from "./connect-target";
import { createConnection } from "./create-connection";
import { updateConnection } from "./update-connection";

export const DEMO_CONNECTION_NAME = "demo";
const SYSTEM_ACTOR = "system:launcher";

/**
 * On the embedded default, the demo database is in the catalog as `demo`. Created on first start;
 * afterwards only re-pointed if the embedded server's port or credential changed (an admin's edits to
 * groups or description are kept). Both go through the same services, so both are audited.
 */
export async function ensureDemoConnection(db: Db, secretKey: Buffer, target: DemoTarget) {
  const [existing] = await db.select().from(connections).where(eq(connections.name, DEMO_CONNECTION_NAME));
  if (!existing) {
    return createConnection(db, secretKey, SYSTEM_ACTOR, {
      name: DEMO_CONNECTION_NAME,
      host: target.host,
      port: target.port,
      database: target.database,
      username: target.username,
      password: target.password,
      sslmode: "disable",
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
  if (existing.host === target.host && existing.port === target.port && existing.username === target.username && current === target.password) return;
  return updateConnection(db, secretKey, SYSTEM_ACTOR, existing.id, {
    ...existing,
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.username,
    password: target.password,
  });
}
