import fs from "node:fs";
import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { signIn } from "./fixtures/sign-in";
import { gatewayTls } from "./fixtures/gateway-tls";

/**
 * Connect -> gateway -> Sessions -> player, end to end: a developer mints a token on the Connect page,
 * node-postgres runs statements through the real gateway with it, and an auditor replays the session
 * step by step, watches another one grow live, and exports it. The global setup starts the gateway and
 * sets E2E_GATEWAY_PORT.
 */

const GATEWAY_PORT = Number(process.env.E2E_GATEWAY_PORT ?? 3130);
const DEV = "dev@example.com";

/** A signed-in page in a browser context of its own, so two people can be signed in side by side. */
async function pageFor(browser: Browser, testInfo: TestInfo, email: string, returnTo = "/"): Promise<Page> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, email, returnTo);
  return page;
}

function gatewayClient(password: string, applicationName: string, user = DEV): pg.Client {
  const client = new pg.Client({ host: "localhost", port: GATEWAY_PORT, database: "demo", user, password, ssl: gatewayTls(), application_name: applicationName });
  client.on("error", () => {});
  return client;
}

/** Creates a token on the Connect page and reads it from the "shown once" card. */
async function mintOnConnectPage(page: Page, { agentName }: { agentName?: string } = {}): Promise<string> {
  await page.goto("/connect");
  await expect(page.getByRole("heading", { name: "Connect", exact: true })).toBeVisible();
  await page.getByLabel("Connection", { exact: true }).selectOption("demo");
  await page.getByLabel("Expires after", { exact: true }).selectOption("1h");
  if (agentName) {
    await page.getByLabel("For an AI agent").check();
    await page.getByLabel("Agent name", { exact: true }).fill(agentName);
  }
  await page.getByRole("button", { name: "Create token", exact: true }).click();
  const tokenField = page.getByLabel("Token", { exact: true });
  await expect(tokenField).toHaveValue(/^wdn_[A-Za-z0-9_-]{43}$/);
  const token = await tokenField.inputValue();
  await expect(page.getByLabel("psql command", { exact: true })).toHaveText(`psql "postgresql://dev%40example.com:${token}@localhost:${GATEWAY_PORT}/demo?sslmode=require"`);
  const env = page.getByLabel("Environment variables", { exact: true });
  for (const line of [`export PGHOST='localhost'`, `export PGPORT='${GATEWAY_PORT}'`, `export PGDATABASE='demo'`, `export PGUSER='${DEV}'`, `export PGPASSWORD='${token}'`, `export PGSSLMODE='require'`]) {
    await expect(env).toContainText(line);
  }
  await expect(env).toContainText("export DATABASE_URL='postgresql://");
  return token;
}

/** Opens a session from the Sessions list, found by the application name its client gave. */
async function openSessionByApplication(page: Page, applicationName: string) {
  await page.goto(`/sessions?user=${encodeURIComponent(DEV)}`);
  const row = page.getByRole("row").filter({ hasText: applicationName });
  await expect(row).toHaveCount(1);
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
}

test.describe("sessions and the player", () => {
  test("a developer's statements through the gateway replay step by step for an auditor, and export as JSON", async ({ page, browser }, testInfo) => {
    await signIn(page, DEV, "/connect");
    const token = await mintOnConnectPage(page, { agentName: "e2e-agent" });
    await expect(page.getByRole("table", { name: "Your tokens" }).getByRole("row").filter({ hasText: token.slice(0, 10) })).toContainText("e2e-agent");

    const app = `e2e-replay-${Date.now()}`;
    const client = gatewayClient(token, app);
    await client.connect();
    await client.query("select 1 as one");
    const customers = await client.query<{ name: string; email: string }>("select name, email from customers limit 5");
    expect(customers.rows).toHaveLength(5);
    const failure = await client.query("select * from no_such_table").catch((err: { code?: string }) => err);
    expect(failure).toMatchObject({ code: "42P01" });
    const bound = await client.query("select $1::int + 1 as answer", [41]);
    expect(bound.rows).toEqual([{ answer: 42 }]);
    await client.end();

    const auditor = await pageFor(browser, testInfo, "auditor@example.com", "/sessions");
    await expect(auditor.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();
    // Filters live in the address.
    await auditor.getByLabel("User", { exact: true }).fill(DEV);
    await expect(auditor).toHaveURL(/[?&]user=dev%40example\.com/);
    const row = auditor.getByRole("row").filter({ hasText: app });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("agent");
    await expect(row).toContainText("e2e-agent");
    await row.getByRole("link").first().click();
    await expect(auditor).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
    const sessionId = auditor.url().split("/").pop()!;

    await expect(auditor.getByRole("heading", { name: "Identity" })).toBeVisible();
    await expect(auditor.getByText(app, { exact: true })).toBeVisible();

    const detail = auditor.getByRole("region", { name: "Selected statement" });
    const sql = detail.getByRole("region", { name: "SQL", exact: true }).locator("pre");
    const outcome = detail.getByTestId("statement-outcome");
    const resultRows = detail.getByRole("table", { name: "Result rows" }).locator("tbody tr");
    const position = auditor.getByText(/^Statement \d+ of \d+$/);
    const next = auditor.getByRole("button", { name: "Next statement" });
    await expect(auditor.getByRole("listbox", { name: "Statements" }).getByRole("option")).toHaveCount(4);

    // Step 1: a simple-protocol select.
    await expect(position).toHaveText("Statement 1 of 4");
    await expect(sql).toHaveText("select 1 as one");
    await expect(outcome).toHaveText("ok");
    await expect(resultRows).toHaveCount(1);
    await expect(resultRows.first().locator("td")).toHaveText(["1"]);

    // Step 2: the rows the client received are the rows recorded.
    await next.click();
    await expect(position).toHaveText("Statement 2 of 4");
    await expect(sql).toHaveText("select name, email from customers limit 5");
    await expect(outcome).toHaveText("ok");
    await expect(resultRows).toHaveCount(5);
    for (const [i, customer] of customers.rows.entries()) {
      await expect(resultRows.nth(i).locator("td")).toHaveText([customer.name, customer.email]);
    }

    // Step 3: the error, with its SQLSTATE and message, and no result.
    await next.click();
    await expect(position).toHaveText("Statement 3 of 4");
    await expect(sql).toHaveText("select * from no_such_table");
    await expect(outcome).toHaveText("error");
    await expect(detail.getByText("SQLSTATE 42P01")).toBeVisible();
    await expect(detail.getByTestId("statement-error")).toContainText('relation "no_such_table" does not exist');
    await expect(detail.getByText("This statement returned no result set.")).toBeVisible();

    // Step 4: extended protocol, with its bound parameter decoded.
    await next.click();
    await expect(position).toHaveText("Statement 4 of 4");
    await expect(sql).toHaveText("select $1::int + 1 as answer");
    await expect(outcome).toHaveText("ok");
    await expect(detail.getByRole("table", { name: "Bind parameters" })).toContainText("41");
    await expect(resultRows.first().locator("td")).toHaveText(["42"]);
    await expect(next).toBeDisabled();

    // Back a step, a click on a list entry, a click on a timeline bar, and playback to the end.
    await auditor.getByRole("button", { name: "Previous statement" }).click();
    await expect(position).toHaveText("Statement 3 of 4");
    await auditor.getByRole("option", { name: /customers limit 5/ }).click();
    await expect(position).toHaveText("Statement 2 of 4");
    await auditor.getByRole("group", { name: "Timeline" }).getByRole("button").first().click();
    await expect(position).toHaveText("Statement 1 of 4");
    await auditor.getByLabel("Speed").selectOption("10");
    await auditor.getByRole("button", { name: "Play", exact: true }).click();
    await expect(position).toHaveText("Statement 4 of 4");
    await expect(auditor.getByRole("button", { name: "Play", exact: true })).toBeVisible();

    // Export: a download of the whole session, with every statement and its result.
    const download = auditor.waitForEvent("download");
    await auditor.getByRole("link", { name: "Export JSON" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`warden-session-${sessionId}.json`);
    const exported = JSON.parse(fs.readFileSync((await file.path())!, "utf8"));
    expect(exported.session).toMatchObject({ id: sessionId, userName: DEV, applicationName: app, actorKind: "agent", agentName: "e2e-agent" });
    expect(exported.statements.map((s: { sql: string; status: string }) => [s.sql, s.status])).toEqual([
      ["select 1 as one", "ok"],
      ["select name, email from customers limit 5", "ok"],
      ["select * from no_such_table", "error"],
      ["select $1::int + 1 as answer", "ok"],
    ]);
    expect(JSON.stringify(exported)).not.toContain(token);
    await auditor.context().close();
  });

  test("an open session shows a second client's new statement live, without a reload", async ({ page, browser }, testInfo) => {
    await signIn(page, DEV, "/connect");
    const token = await mintOnConnectPage(page);
    const app = `e2e-live-${Date.now()}`;
    const client = gatewayClient(token, app);
    let isClientOpen = true;
    await client.connect();
    try {
      await client.query("select 'first' as step");
      const auditor = await pageFor(browser, testInfo, "auditor@example.com", "/sessions");
      await openSessionByApplication(auditor, app);
      const statements = auditor.getByRole("listbox", { name: "Statements" }).getByRole("option");
      await expect(statements).toHaveCount(1);
      await expect(auditor.getByText("live", { exact: true })).toBeVisible();

      await client.query("select 'second' as step");
      // Polled every 500 ms: it shows within about a second.
      await expect(statements).toHaveCount(2, { timeout: 3000 });
      await expect(statements.nth(1)).toContainText("select 'second' as step");
      await statements.nth(1).click();
      await expect(auditor.getByRole("region", { name: "Selected statement" }).getByRole("table", { name: "Result rows" })).toContainText("second");

      await client.end();
      isClientOpen = false;
      // The end is seen by the same poll, which then stops.
      await expect(auditor.getByText("live", { exact: true })).toBeHidden({ timeout: 10_000 });
      await auditor.context().close();
    } finally {
      if (isClientOpen) await client.end().catch(() => {});
    }
  });

  test("developers see and open only their own sessions, and mint and revoke only their own tokens", async ({ page, browser }, testInfo) => {
    // Someone else's session: the admin mints a token through the API and runs one statement.
    const admin = await pageFor(browser, testInfo, "admin@example.com");
    const minted = await admin.request.post("/api/tokens", { data: { connectionName: "demo", expiresIn: "1h" } });
    expect(minted.status()).toBe(201);
    const adminToken = (await minted.json()).token as string;
    const app = `e2e-admin-${Date.now()}`;
    const adminClient = gatewayClient(adminToken, app, "admin@example.com");
    await adminClient.connect();
    await adminClient.query("select 1");
    await adminClient.end();
    const listed = await (await admin.request.get(`/api/sessions?user=${encodeURIComponent("admin@example.com")}`)).json();
    const adminSession = listed.sessions.find((s: { applicationName: string }) => s.applicationName === app);
    expect(adminSession).toBeTruthy();
    await admin.context().close();

    await signIn(page, DEV, "/sessions");
    await expect(page.getByRole("link", { name: "Tokens" })).toHaveCount(0);
    await expect(page.getByLabel("User", { exact: true })).toHaveCount(0);
    const mine = await (await page.request.get(`/api/sessions?user=${encodeURIComponent("admin@example.com")}`)).json();
    expect(mine.sessions.some((s: { id: string }) => s.id === adminSession.id)).toBe(false);
    expect(mine.sessions.every((s: { userName: string }) => s.userName === DEV)).toBe(true);
    for (const path of ["", "/statements", "/statements/1", "/export"]) {
      const res = await page.request.get(`/api/sessions/${adminSession.id}${path}`);
      expect(res.status(), path).toBe(403);
    }
    expect((await page.goto(`/sessions/${adminSession.id}`))?.status()).toBe(403);
    expect((await page.request.post("/api/tokens", { data: { connectionName: "demo", expiresIn: "1h", userName: "admin@example.com" } })).status()).toBe(403);
    expect((await page.request.get("/api/tokens")).status()).toBe(403);
    expect((await page.goto("/tokens"))?.status()).toBe(403);

    // Revoke from "Your tokens": the gateway refuses the token from then on.
    const token = await mintOnConnectPage(page);
    const tokenRow = page.getByRole("table", { name: "Your tokens" }).getByRole("row").filter({ hasText: token.slice(0, 10) });
    await tokenRow.getByRole("button", { name: `Revoke token ${token.slice(0, 10)}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token", exact: true }).click();
    await expect(tokenRow).toContainText("revoked");
    const refused = await gatewayClient(token, "e2e-revoked").connect().catch((err: { code?: string }) => err);
    expect(refused).toMatchObject({ code: "28P01" });
  });

  test("admins list everyone's tokens, mint one for a service account, and revoke it", async ({ page }) => {
    await signIn(page, "admin@example.com", "/tokens");
    await expect(page.getByRole("heading", { name: "Tokens", exact: true })).toBeVisible();
    const form = page.getByRole("form", { name: "Create a token for someone" });
    await form.getByLabel("User", { exact: true }).fill("etl-bot");
    await form.getByLabel("Connection", { exact: true }).selectOption("demo");
    await form.getByLabel("Actor", { exact: true }).selectOption("service");
    await form.getByLabel("Service name", { exact: true }).fill("nightly-etl");
    await form.getByLabel("Groups", { exact: true }).fill("developer");
    await form.getByRole("button", { name: "Create token", exact: true }).click();
    const token = await page.getByLabel("Token", { exact: true }).inputValue();
    expect(token).toMatch(/^wdn_/);

    const row = page.getByRole("table", { name: "All tokens" }).getByRole("row").filter({ hasText: token.slice(0, 10) });
    await expect(row).toContainText("etl-bot");
    await expect(row).toContainText("nightly-etl");
    await row.getByRole("button", { name: `Revoke token ${token.slice(0, 10)}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token", exact: true }).click();
    // "Active only" is on by default: the revoked token leaves the list.
    await expect(row).toHaveCount(0);
  });
});
