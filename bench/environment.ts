import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "@/lib/db/create-db";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateStore } from "@/lib/db/migrate";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { createConnection } from "@/lib/server/connections/create-connection";
import { createToken } from "@/lib/server/tokens/create-token";
import type { Endpoint } from "./endpoints";

/** A catalog entry the gateway serves, and a login for it (user, token, connection name). */
export type GatewayLogin = Omit<Endpoint, "host" | "port">;

/**
 * Everything the bench runs against, made from nothing in a temp dir: an embedded PostgreSQL on
 * loopback holding the store (migrated) and the target database with its own password role; the
 * target registered in the catalog, and a token for it.
 */
export type BenchEnvironment = {
  tmpDir: string;
  storeUrl: string;
  secretKey: Buffer;
  /** The target as its own role sees it: the "direct" column, and what pgbouncer and the gateway connect upstream to. */
  direct: Endpoint;
  store: Db;
  /** Registers another catalog entry on the same target database, with its own policy, and mints a token for it. */
  addGatewayConnection(name: string, policy: PolicyDocument): Promise<GatewayLogin>;
  stop(): Promise<void>;
};

const TARGET_DATABASE = "bench_target";
const TARGET_ROLE = "bench";
const BENCH_USER = "bench@example.com";

export async function startBenchEnvironment(log: (line: string) => void): Promise<BenchEnvironment> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-bench-"));
  log(`embedded PostgreSQL in ${tmpDir}`);
  const server = await startEmbeddedPostgres({ dataDir: path.join(tmpDir, "pg") });
  try {
    await server.ensureDatabase("warden_store");
    await server.ensureDatabase(TARGET_DATABASE);
    const storeUrl = server.urlFor("warden_store");
    await migrateStore(storeUrl);

    const password = randomBytes(12).toString("base64url");
    const su = new pg.Client({ connectionString: server.urlFor(TARGET_DATABASE) });
    await su.connect();
    try {
      await su.query(`create role ${TARGET_ROLE} login password '${password}'`);
      await su.query(`alter database ${TARGET_DATABASE} owner to ${TARGET_ROLE}`);
      await su.query(`alter schema public owner to ${TARGET_ROLE}`);
    } finally {
      await su.end();
    }

    const secretKey = randomBytes(32);
    const store = createDb(storeUrl, { max: 2, applicationName: "warden-bench" });
    const direct: Endpoint = { host: "127.0.0.1", port: server.port, user: TARGET_ROLE, password, database: TARGET_DATABASE };
    const addGatewayConnection = async (name: string, policy: PolicyDocument): Promise<GatewayLogin> => {
      await createConnection(
        store,
        secretKey,
        "bench",
        { name, host: direct.host, port: direct.port, database: TARGET_DATABASE, username: TARGET_ROLE, password, sslmode: "disable", allowedGroups: ["developer"] },
        policy,
      );
      const { token } = await createToken(store, secretKey, "bench", { userName: BENCH_USER, connectionName: name, groups: ["developer"], ttlMs: 24 * 60 * 60 * 1000 });
      return { user: BENCH_USER, password: token, database: name };
    };
    return {
      tmpDir,
      storeUrl,
      secretKey,
      direct,
      store,
      addGatewayConnection,
      async stop() {
        await store.$client.end().catch(() => {});
        await server.stop().catch(() => {});
        fs.rmSync(tmpDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server.stop().catch(() => {});
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
}
