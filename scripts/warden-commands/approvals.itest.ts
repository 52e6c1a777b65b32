import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/drizzle/schema";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, pendingRequest, requestById, REVIEWER } from "@/proxy/approvals/testing/approval-fixtures";
import { startGatewayFixture, type GatewayFixture } from "@/proxy/testing/gateway-fixture";
import { runTool } from "@/proxy/testing/run-tool";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** `warden approvals`: an on-call reviewer decides held statements from a terminal, under the console's rules. */
describe("warden approvals", () => {
  let fx: GatewayFixture;
  let client: pg.Client;
  let target: pg.Client;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table orders (id int, status text); insert into orders values (1, 'new'), (2, 'new'); alter table orders owner to ${fx.targetRole}`);
    client = await fx.connect({ application_name: "cli-test" });
    client.on("error", () => {});
  });
  afterAll(async () => {
    await client?.end();
    await target?.end();
    await fx?.close();
  });

  const warden = (...args: string[]) =>
    runTool(process.execPath, [path.join(root, "bin/warden.mjs"), ...args], {
      env: { DATABASE_URL: fx.storeUrl, WARDEN_SECRET_KEY: fx.secretKey.toString("hex"), PUBLIC_URL: "https://warden.example.com", HOME: process.env.HOME ?? "/tmp" },
      timeoutMs: 60_000,
    });

  it("lists a held statement, refuses its own author, and lets a reviewer approve it with a grant", async () => {
    const held = client.query("update orders set status = 'shipped'");
    const request = await pendingRequest(fx.db, "update orders set status = 'shipped'");

    const listed = await warden("approvals", "list", "--json");
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: request.id, status: "pending", requester: fx.email, sql: "update orders set status = 'shipped'", reasons: ["UPDATE/DELETE without WHERE", "sent by a human"] })]);

    const own = await warden("approvals", "decide", request.id, "--approve", "--by", fx.email);
    expect(own).toMatchObject({ code: 2, stderr: expect.stringContaining("You cannot approve your own statement.") });

    const approved = await warden("approvals", "decide", request.id, "--approve", "--by", REVIEWER.email, "--comment", "release night", "--grant-minutes", "10");
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`Request ${request.id} is approved: the statement runs now.`);
    expect((await held).rowCount).toBe(2);

    const grants = await warden("approvals", "grants", "--json");
    // A grant covers the exact statement unless the reviewer says otherwise.
    expect(JSON.parse(grants.stdout)).toEqual([expect.objectContaining({ userName: fx.email, requestId: request.id, createdBy: REVIEWER.email, status: "active", scope: "statement" })]);
    const revoked = await warden("approvals", "revoke-grant", JSON.parse(grants.stdout)[0].id, "--by", REVIEWER.email);
    expect(revoked.code, revoked.stderr).toBe(0);
  });

  it("refuses to approve from the terminal that minted the token, whatever user name it carries and whoever --by names; grants a shape only with --grant-scope fingerprint", async () => {
    await fx.db.insert(users).values({ email: "someone-else@example.com", groups: ["developer"] }).onConflictDoNothing();
    const created = await warden("token", "create", "--user", "someone-else@example.com", "--connection", fx.connectionName, "--ttl", "10m");
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim().split("\n").at(-1)!;
    const other = await fx.connect({ user: "someone-else@example.com", password: token });
    other.on("error", () => {});
    try {
      const held = other.query("update orders set status = status where status <> 'x' or true");
      const request = await pendingRequest(fx.db, "update orders set status = status where status <> 'x' or true");
      expect(request.requesterMintedBy).toMatch(/^cli:/);

      const shown = await warden("approvals", "show", request.id);
      expect(shown.stdout).toContain(`From      someone-else@example.com (minted by ${request.requesterMintedBy})`);
      const own = await warden("approvals", "decide", request.id, "--approve", "--by", REVIEWER.email);
      expect(own).toMatchObject({ code: 2, stderr: expect.stringContaining("You cannot approve a statement run under a token you minted (for someone-else@example.com).") });

      const badScope = await warden("approvals", "decide", request.id, "--approve", "--by", REVIEWER.email, "--grant-minutes", "5", "--grant-scope", "everything");
      expect(badScope).toMatchObject({ code: 2, stderr: expect.stringContaining("--grant-scope is statement or fingerprint") });
      expect(await requestById(fx.db, request.id)).toMatchObject({ status: "pending" });

      // Another reviewer, in the console, approves it and grants its shape, explicitly.
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 5, grantScope: "fingerprint" });
      await held;
      const grants = await warden("approvals", "grants");
      expect(grants.stdout).toMatch(/active\s+fingerprint\s+someone-else@example\.com/);
    } finally {
      await other.end().catch(() => {});
    }
  });

  it("shows a request in full and rejects it with a comment the client receives", async () => {
    const held = client.query("delete from orders").catch((e) => e);
    const request = await pendingRequest(fx.db, "delete from orders");
    const shown = await warden("approvals", "show", request.id);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("delete from orders");
    expect(shown.stdout).toContain("Held by   Destructive statements need a reviewer: UPDATE/DELETE without WHERE; sent by a human");
    const rejected = await warden("approvals", "decide", request.id, "--reject", "--by", REVIEWER.email, "--comment", "use a WHERE clause");
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(await held).toMatchObject({ code: "42501", message: expect.stringMatching(/: use a WHERE clause$/) });
    expect((await target.query("select count(*)::int as n from orders")).rows).toEqual([{ n: 2 }]);
  });

  it("explains mistakes without a stack trace", async () => {
    const noChoice = await warden("approvals", "decide", "00000000-0000-0000-0000-000000000000", "--by", REVIEWER.email);
    expect(noChoice).toMatchObject({ code: 2, stderr: expect.stringContaining("one of --approve or --reject") });
    const stranger = await warden("approvals", "decide", "00000000-0000-0000-0000-000000000000", "--approve", "--by", "nobody@example.com");
    expect(stranger).toMatchObject({ code: 2, stderr: expect.stringContaining("has never signed in to the console") });
    const missing = await warden("approvals", "decide", "00000000-0000-0000-0000-000000000000", "--reject", "--by", REVIEWER.email);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("There is no such approval request.") });
  });
});
