import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "@/proxy/testing/gateway-fixture";
import { runTool } from "@/proxy/testing/run-tool";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("warden token / sessions commands", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(() => fx?.close());

  const warden = (...args: string[]) =>
    runTool(process.execPath, [path.join(root, "bin/warden.mjs"), ...args], {
      env: { DATABASE_URL: fx.storeUrl, WARDEN_SECRET_KEY: fx.secretKey.toString("hex"), HOME: process.env.HOME ?? "/tmp" },
      timeoutMs: 60_000,
    });

  it("mints a token that signs an agent in; sessions list and export show what it did", async () => {
    const created = await warden("token", "create", "--user", fx.email, "--connection", fx.connectionName, "--ttl", "1h", "--agent", "claude-code");
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim().split("\n").at(-1)!;
    expect(token).toMatch(/^wdn_[A-Za-z0-9_-]{43}$/);

    const psql = await runTool("psql", ["-X", "-At", "-c", "select 6 * 7", fx.uri({ token })]);
    expect(psql).toMatchObject({ code: 0, stdout: "42\n" });

    const listed = await warden("sessions", "list", "--json", "--kind", "agent");
    expect(listed.code, listed.stderr).toBe(0);
    const sessions = JSON.parse(listed.stdout);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ userName: fx.email, actorKind: "agent", agentName: "claude-code", connectionName: fx.connectionName, applicationName: "psql", statementCount: 1 });

    const exported = await warden("sessions", "export", sessions[0].id);
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(exported.stdout);
    expect(data.session.id).toBe(sessions[0].id);
    expect(data.statements).toEqual([expect.objectContaining({ seq: 1, sql: "select 6 * 7", status: "ok", rows: [["42"]], commandTag: "SELECT 1" })]);
    const last = JSON.parse((await warden("sessions", "export", "--last")).stdout);
    expect(last.session.id).toBe(sessions[0].id);

    const tokens = JSON.parse((await warden("token", "list", "--json")).stdout);
    const minted = tokens.find((t: { agentName: string }) => t.agentName === "claude-code");
    expect(minted).toMatchObject({ status: "active", actorKind: "agent" });
    expect(JSON.stringify(tokens)).not.toContain(token);
    const revoked = await warden("token", "revoke", minted.id);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/is revoked/) });
    const refused = await runTool("psql", ["-X", "-At", "-c", "select 1", fx.uri({ token })]);
    // Refused as a wrong password would be; why (revoked) is for the audit trail only.
    expect(refused.stderr).toMatch(/FATAL: {2}password authentication failed for user "dev@example.com"\n?$/);
    expect(refused.stderr).not.toMatch(/revoked/);
  });

  it("explains mistakes without a stack trace", async () => {
    const missing = await warden("token", "create", "--user", fx.email);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/--user and --connection are required/) });
    const unknown = await warden("token", "create", "--user", fx.email, "--connection", "nope");
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/no connection named "nope"/) });
    const notAllowed = await warden("token", "create", "--user", "stranger@example.com", "--connection", fx.connectionName);
    expect(notAllowed.stderr).toMatch(/has never signed in to the console/);
    const noSession = await warden("sessions", "export", "00000000-0000-0000-0000-000000000000");
    expect(noSession).toMatchObject({ code: 2, stderr: expect.stringMatching(/There is no session/) });
  });
});
