import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { seedDemoDatabase } from "./demo/seed-demo-database";
import type { EmbeddedServer } from "./embedded-postgres";

export const DEMO_DATABASE = "demo";
export const DEMO_ROLE = "warden_demo";

export type DemoTarget = { host: string; port: number; database: string; username: string; password: string; seeded: boolean };

/**
 * The `demo` target database on the embedded server: owned by a dedicated login role (the credential
 * the gateway will use, never the superuser) and seeded with customers and orders on first start.
 */
export async function prepareDemoTarget(server: EmbeddedServer, dataDir: string): Promise<DemoTarget> {
  const passwordFile = path.join(dataDir, "demo-role.password");
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url"), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, "utf8").trim();
  await server.ensureDatabase(DEMO_DATABASE);
  const admin = new pg.Client({ connectionString: server.urlFor(DEMO_DATABASE) });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select 1 from pg_roles where rolname = $1", [DEMO_ROLE]);
    const verb = rowCount ? "alter" : "create";
    // Role passwords cannot be bound parameters; escapeLiteral quotes it safely.
    await admin.query(`${verb} role ${DEMO_ROLE} login password ${admin.escapeLiteral(password)}`);
    await admin.query(`alter database ${DEMO_DATABASE} owner to ${DEMO_ROLE}`);
    await admin.query(`alter schema public owner to ${DEMO_ROLE}`);
  } finally {
    await admin.end();
  }
  const owner = new pg.Client({ host: "localhost", port: server.port, database: DEMO_DATABASE, user: DEMO_ROLE, password });
  await owner.connect();
  try {
    const { created } = await seedDemoDatabase(owner);
    return { host: "localhost", port: server.port, database: DEMO_DATABASE, username: DEMO_ROLE, password, seeded: created };
  } finally {
    await owner.end();
  }
}
