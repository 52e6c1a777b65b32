import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { connections, users } from "@/drizzle/schema";
import { encryptCredential } from "@/lib/crypto/credentials";
import { createDb, type Db } from "@/lib/db/create-db";
import { createToken, type CreateTokenInput } from "@/lib/server/tokens/create-token";
import { createTestDatabase, createTestStore } from "@/tests/test-database";
import { createLogger } from "../log";
import { startGateway, type GatewayDeps, type RunningGateway } from "../start-gateway";

/**
 * A store, a target database with its own password-protected role, a catalog entry for it, a user
 * allowed on it, and a gateway worker on a free loopback port: what integration tests drive with
 * real clients.
 */
export type GatewayFixture = {
  db: Db;
  storeUrl: string;
  secretKey: Buffer;
  gateway: RunningGateway;
  connectionName: string;
  connectionId: string;
  /** Superuser URL of the target database, to check effects directly. */
  targetAdminUrl: string;
  targetRole: string;
  email: string;
  token: string;
  logs: Record<string, unknown>[];
  mintToken(overrides?: Partial<CreateTokenInput>): Promise<string>;
  clientConfig(overrides?: Partial<pg.ClientConfig>): pg.ClientConfig;
  connect(overrides?: Partial<pg.ClientConfig>): Promise<pg.Client>;
  /** libpq connection string for psql / pgbench. */
  uri(opts?: { token?: string; sslmode?: string }): string;
  restartGateway(deps?: GatewayDeps): Promise<void>;
  close(): Promise<void>;
};

export async function startGatewayFixture(
  deps: GatewayDeps = {},
  opts: {
    sslmode?: "disable" | "prefer" | "require";
    hbaPasswordMethod?: string;
    /** GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: loopback here, since tests connect over loopback without TLS; "never" is the product's default. */
    plaintextPasswords?: "never" | "loopback";
    /** A self-signed certificate for the gateway (clients then connect with ssl). */
    tls?: boolean;
  } = {},
): Promise<GatewayFixture> {
  const storeUrl = await createTestStore();
  const targetAdminUrl = await createTestDatabase("target");
  const admin = new URL(inject("pgAdminUrl"));
  const targetDb = decodeURIComponent(new URL(targetAdminUrl).pathname.slice(1));
  const targetRole = `role_${randomBytes(4).toString("hex")}`;
  const targetPassword = `pw-${randomBytes(9).toString("base64url")}`;
  const su = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await su.connect();
  try {
    await su.query(`create role ${targetRole} login password '${targetPassword}'`);
    await su.query(`alter database ${pg.escapeIdentifier(targetDb)} owner to ${targetRole}`);
  } finally {
    await su.end();
  }

  const secretKey = randomBytes(32);
  const db = createDb(storeUrl, { max: 3 });
  db.$client.on("connect", (client) => client.on("error", () => {}));
  const connectionId = randomUUID();
  const connectionName = "orders";
  await db.insert(connections).values({
    id: connectionId,
    name: connectionName,
    host: admin.hostname,
    port: Number(admin.port || 5432),
    database: targetDb,
    username: targetRole,
    passwordCiphertext: encryptCredential(secretKey, targetPassword, connectionId),
    sslmode: opts.sslmode ?? "disable",
    allowedGroups: ["developer", "admin"],
    createdBy: "test",
  });
  const email = "dev@example.com";
  await db.insert(users).values({ email, groups: ["developer"] });
  const mintToken = async (overrides: Partial<CreateTokenInput> = {}) =>
    (await createToken(db, secretKey, "test", { userName: email, connectionName, ...overrides })).token;
  const token = await mintToken();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-gw-"));
  const logs: Record<string, unknown>[] = [];
  const log = createLogger("info", (line) => logs.push(JSON.parse(line)));
  const config = {
    DATABASE_URL: storeUrl,
    WARDEN_SECRET_KEY: secretKey,
    GATEWAY_PORT: 0,
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_TLS_CERT: undefined,
    GATEWAY_TLS_KEY: undefined,
    WARDEN_DATA_DIR: dataDir,
    LOG_LEVEL: "info" as const,
    GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: opts.plaintextPasswords ?? "loopback",
  };
  let gateway = await startGateway(config, { log, selfSignedTls: opts.tls, ...deps });

  const fixture: GatewayFixture = {
    db,
    storeUrl,
    secretKey,
    get gateway() {
      return gateway;
    },
    connectionName,
    connectionId,
    targetAdminUrl,
    targetRole,
    email,
    token,
    logs,
    mintToken,
    clientConfig: (o = {}) => ({ host: "127.0.0.1", port: gateway.port, user: email, password: token, database: connectionName, ...o }),
    async connect(o = {}) {
      const client = new pg.Client(fixture.clientConfig(o));
      await client.connect();
      return client;
    },
    uri: (o = {}) => `postgresql://${encodeURIComponent(email)}:${encodeURIComponent(o.token ?? token)}@127.0.0.1:${gateway.port}/${connectionName}?sslmode=${o.sslmode ?? "disable"}`,
    async restartGateway(d: GatewayDeps = {}) {
      await gateway.close();
      gateway = await startGateway(config, { log, selfSignedTls: opts.tls, ...deps, ...d });
    },
    async close() {
      await gateway.close();
      await db.$client.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Waits until `check` returns a truthy value (records are written asynchronously after results). */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
