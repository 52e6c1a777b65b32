import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, connections, tokens, users } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/lib/db/embedded-postgres";
import { enableEmbeddedTls } from "@/lib/db/embedded-postgres-tls";
import { migrateStore } from "@/lib/db/migrate";
import { prepareDemoTarget } from "@/lib/db/prepare-demo-target";
import { DEMO_GROUPS, DEMO_USERS } from "@/lib/dev-oidc/demo-users";
import { DEMO_CONNECTION_NAME, ensureDemoConnection } from "@/lib/server/connections/ensure-demo-connection";
import { createLogger } from "@/proxy/log";
import { startGateway, type RunningGateway } from "@/proxy/start-gateway";
import { startGatewayFixture, type GatewayFixture } from "@/proxy/testing/gateway-fixture";
import { createSelfSignedCertificate } from "@/proxy/tls/self-signed-certificate";
import { runTool } from "@/proxy/testing/run-tool";
import { createTestDatabase } from "@/tests/test-database";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The real entry, as the README has people type it (`npx warden …` runs bin/warden.mjs). */
const runWarden = (env: Record<string, string>, args: string[]) =>
  runTool(process.execPath, [path.join(root, "bin/warden.mjs"), ...args], { env: { HOME: process.env.HOME ?? "/tmp", ...env }, timeoutMs: 60_000 });

const lastLine = (stdout: string) => stdout.trim().split("\n").at(-1)!;
const gatewayUri = (port: number, user: string, token: string, database: string) =>
  `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(token)}@127.0.0.1:${port}/${database}?sslmode=disable`;

/**
 * Issue 9 item 9: `npx warden token create --user dev@example.com --connection demo` on a fresh
 * `npm start`, before anyone signed in. This sets up the embedded default the way the launcher
 * does (an embedded PostgreSQL whose port, password and key live in WARDEN_DATA_DIR, the store
 * migrated, the demo target seeded and in the catalog) and runs the CLI with no DATABASE_URL and no
 * OIDC_ISSUER, as the shell next to `npm start` would.
 */
describe("warden token create on the embedded default", () => {
  let dataDir: string;
  let server: EmbeddedServer;
  let db: Db;
  let gateway: RunningGateway;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-cli-embedded-"));
    server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg") });
    fs.writeFileSync(path.join(dataDir, "pg.port"), `${server.port}\n`);
    const secretKey = randomBytes(32);
    fs.writeFileSync(path.join(dataDir, "secret.key"), `${secretKey.toString("hex")}\n`, { mode: 0o600 });
    await server.ensureDatabase("warden");
    const storeUrl = server.urlFor("warden");
    await migrateStore(storeUrl);
    db = createDb(storeUrl, { max: 2 });
    // As the launcher does: the embedded server serves TLS, and the demo connection is verify-full against its certificate.
    const certificate = createSelfSignedCertificate({ commonName: "Warden embedded PostgreSQL" });
    await enableEmbeddedTls(server, path.join(dataDir, "pg"), certificate);
    await ensureDemoConnection(db, secretKey, { ...(await prepareDemoTarget(server, dataDir)), caCertificate: certificate.certPem });
    gateway = await startGateway(
      { DATABASE_URL: storeUrl, WARDEN_SECRET_KEY: secretKey, GATEWAY_PORT: 0, GATEWAY_HOST: "127.0.0.1", GATEWAY_TLS_CERT: undefined, GATEWAY_TLS_KEY: undefined, GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback", WARDEN_DATA_DIR: dataDir, LOG_LEVEL: "error" },
      { log: createLogger("error", () => {}) },
    );
    env = { WARDEN_DATA_DIR: dataDir };
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    await db?.$client.end();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("mints a token for dev@example.com, who never signed in, and it signs in through the gateway on demo", async () => {
    expect(await db.select().from(users)).toEqual([]);
    const created = await runWarden(env, ["token", "create", "--user", "dev@example.com", "--connection", "demo"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe("");
    expect(created.stdout).toContain("groups developer (of the demo user)");
    const token = lastLine(created.stdout);
    expect(token).toMatch(/^wdn_[A-Za-z0-9_-]{43}$/);

    const psql = await runTool("psql", ["-X", "-At", "-c", "select count(*) > 0 from customers", gatewayUri(gateway.port, "dev@example.com", token, DEMO_CONNECTION_NAME)]);
    expect(psql, psql.stderr).toMatchObject({ code: 0, stdout: "t\n" });
    // The gateway reached the demo database over TLS with the certificate verified.
    const [demo] = await db.select().from(connections).where(eq(connections.name, DEMO_CONNECTION_NAME));
    expect(demo).toMatchObject({ sslmode: "verify-full", caCertificateCiphertext: expect.stringMatching(/^v1:/) });

    const [row] = await db.select().from(tokens).where(eq(tokens.userName, "dev@example.com"));
    expect(row.groups).toEqual(["developer"]);
    // Still nobody signed in: the groups came from the demo provider's list, not from a user row.
    expect(await db.select().from(users)).toEqual([]);
  });

  it("knows every demo user's groups from the demo provider's own list", async () => {
    // dev@example.com is the case above.
    for (const user of DEMO_USERS.filter((u) => u.email !== "dev@example.com")) {
      const created = await runWarden(env, ["token", "create", "--user", user.email, "--connection", "demo", "--ttl", "10m"]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain(`groups ${user.groups.join(", ")} (of the demo user)`);
    }
  });

  it("refuses someone who is neither a demo user nor seen at sign-in, naming the demo users", async () => {
    const refused = await runWarden(env, ["token", "create", "--user", "stranger@example.com", "--connection", "demo"]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      `stranger@example.com has never signed in to the console and is not one of the demo users (${DEMO_USERS.map((u) => u.email).join(", ")}), and no --group was given, so Warden cannot know their groups (it does not ask the identity provider). Have them sign in to the console once, or pass --group NAME for each of their groups (connection "demo" allows ${DEMO_GROUPS.join(", ")}).\n`,
    );
  });

  it("lets a demo reviewer decide from a terminal before signing in", async () => {
    const decided = await runWarden(env, ["approvals", "decide", "00000000-0000-0000-0000-000000000000", "--approve", "--by", "reviewer@example.com"]);
    // Past the reviewer check: the request is what is missing.
    expect(decided).toMatchObject({ code: 2, stderr: "There is no such approval request.\n" });
  });

  it("with OIDC_ISSUER set, the demo users are not known: a real IdP's people are found only at sign-in", async () => {
    const refused = await runWarden({ ...env, OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_ID: "warden", OIDC_CLIENT_SECRET: "s" }, ["token", "create", "--user", "dev@example.com", "--connection", "demo"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^dev@example\.com has never signed in to the console, and no --group was given/);
  });
});

/** Production: a store in DATABASE_URL and a real IdP, so groups come from sign-in or --group. */
describe("warden token create with a store of your own", () => {
  let fx: GatewayFixture;
  let env: Record<string, string>;
  beforeAll(async () => {
    fx = await startGatewayFixture();
    env = { DATABASE_URL: fx.storeUrl, WARDEN_SECRET_KEY: fx.secretKey.toString("hex") };
  });
  afterAll(() => fx?.close());
  const warden = (...args: string[]) => runWarden(env, args);

  it("takes the groups of someone seen at sign-in", async () => {
    const created = await warden("token", "create", "--user", fx.email, "--connection", fx.connectionName);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("groups developer (from their last sign-in)");
  });

  it("refuses a demo user here: only the embedded default knows them", async () => {
    const refused = await warden("token", "create", "--user", "reviewer@example.com", "--connection", fx.connectionName);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `reviewer@example.com has never signed in to the console, and no --group was given, so Warden cannot know their groups (it does not ask the identity provider). Have them sign in to the console once, or pass --group NAME for each of their groups (connection "${fx.connectionName}" allows developer, admin).\n`,
    );
  });

  it("mints with --group for a service account never seen, records the groups in the audit event, and the token signs in", async () => {
    const created = await warden("token", "create", "--user", "svc-reports", "--connection", fx.connectionName, "--kind", "service", "--group", "reporting", "--group", "developer");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("groups reporting, developer (as given with --group)");
    const token = lastLine(created.stdout);

    const psql = await runTool("psql", ["-X", "-At", "-c", "select 6 * 7", gatewayUri(fx.gateway.port, "svc-reports", token, fx.connectionName)]);
    expect(psql, psql.stderr).toMatchObject({ code: 0, stdout: "42\n" });

    const [row] = await fx.db.select().from(tokens).where(eq(tokens.userName, "svc-reports"));
    expect(row).toMatchObject({ groups: ["reporting", "developer"], actorKind: "service", createdBy: expect.stringMatching(/^cli:/) });
    const [event] = await fx.db.select().from(auditEvents).where(and(eq(auditEvents.action, "token.create"), eq(auditEvents.targetId, row.id)));
    expect(event).toMatchObject({ actor: row.createdBy, after: expect.objectContaining({ userName: "svc-reports", groups: ["reporting", "developer"] }) });
  });

  it("refuses --group for someone seen at sign-in, whom the gateway judges by their IdP's groups", async () => {
    const refused = await warden("token", "create", "--user", fx.email, "--connection", fx.connectionName, "--group", "admin");
    expect(refused).toMatchObject({
      code: 2,
      stderr: `${fx.email} has signed in to the console, so the gateway judges them by the groups their identity provider gave them (developer), not by a token's; --group is only for someone who has never signed in. Leave it out.\n`,
    });
  });

  it("refuses --group groups the connection does not allow, saying where they came from", async () => {
    const refused = await warden("token", "create", "--user", "new-hire@example.com", "--connection", fx.connectionName, "--group", "sales");
    expect(refused).toMatchObject({ code: 2, stderr: `new-hire@example.com is in sales (as given with --group); connection "${fx.connectionName}" allows developer, admin, so the gateway would refuse the token.\n` });
  });

  it("names the connections there are when the one asked for is not", async () => {
    const refused = await warden("token", "create", "--user", fx.email, "--connection", "demo");
    expect(refused).toMatchObject({ code: 2, stderr: `There is no connection named "demo"; the connections are: ${fx.connectionName}.\n` });
  });

  it("prints help on stdout with exit 0, and mistakes on stderr with exit 2, through the real entry", async () => {
    // Every help path is covered in-process by run-cli.test.ts; these check the real entry's streams and exit codes.
    for (const args of [["--help"], ["token", "create", "--help"]]) {
      const r = await warden(...args);
      expect(r, args.join(" ")).toMatchObject({ code: 0, stderr: "", stdout: expect.stringMatching(/^Usage: warden [^]*[^\n]\n$/) });
    }
    const unknown = await warden("tokens");
    expect(unknown).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^Unknown command "tokens"\.\n\nUsage: warden [^]*[^\n]\n$/) });
    const badFlag = await warden("token", "create", "--user", fx.email, "--conection", fx.connectionName);
    expect(badFlag).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(/^Unknown option --conection\.\nUsage: warden token create [^\n]*\n$/) });
  });
});

/** What a newcomer meets when the store is not ready: a sentence with the next step, never a stack trace. */
describe("warden against a store that is not ready", () => {
  it("says an empty database needs `warden migrate`, which then sets it up", async () => {
    const url = await createTestDatabase("cli_empty");
    const env = { DATABASE_URL: url, WARDEN_SECRET_KEY: randomBytes(32).toString("hex") };
    const before = await runWarden(env, ["token", "list"]);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/^The store in DATABASE_URL \([^)]+\) has no Warden tables yet: run `npx warden migrate` first\.\n$/);

    const migrated = await runWarden(env, ["migrate"]);
    expect(migrated, migrated.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Store migrations applied to the store in DATABASE_URL/) });
    const after = await runWarden(env, ["token", "list"]);
    expect(after).toMatchObject({ code: 0, stdout: "No active tokens (--all shows expired and revoked ones).\n" });
  });

  it("names a wrong password and a missing database", async () => {
    const url = new URL(await createTestDatabase("cli_auth"));
    const key = randomBytes(32).toString("hex");
    const wrongPassword = new URL(url);
    wrongPassword.password = "not-the-password";
    const refused = await runWarden({ DATABASE_URL: wrongPassword.toString(), WARDEN_SECRET_KEY: key }, ["sessions", "list"]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/refused the user name or password: check DATABASE_URL\.\n$/) });

    const missing = new URL(url);
    missing.pathname = "/no_such_database_here";
    const absent = await runWarden({ DATABASE_URL: missing.toString(), WARDEN_SECRET_KEY: key }, ["verify"]);
    expect(absent).toMatchObject({ code: 1, stderr: expect.stringMatching(/has no such database: check DATABASE_URL \(create the database, then run `npx warden migrate`\)\.\n$/) });
  });
});
