import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { gatewayTls } from "./fixtures/gateway-tls";
import { signIn } from "./fixtures/sign-in";

/**
 * The Overview's activity dashboard from real gateway traffic: a developer and an admin run
 * statements through the real gateway (ok, a masked read, an error, statements blocked by the
 * default policy's guardrails); the admin's Overview counts them all in its charts and lists the
 * blocked ones, linking to the player at that statement; the developer's counts only their own and
 * shows none of the organisation's counters. The global setup starts the gateway.
 */

const GATEWAY_PORT = Number(process.env.E2E_GATEWAY_PORT ?? 3130);
const DEV = "dev@example.com";
const ADMIN = "admin@example.com";

type Totals = { total: number; ok: number; masked: number; error: number; blocked: number; held: number };

async function pageFor(browser: Browser, testInfo: TestInfo, email: string, returnTo = "/"): Promise<Page> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, email, returnTo);
  return page;
}

/** A token from the Connect page's "shown once" card. */
async function mintToken(page: Page): Promise<string> {
  await page.goto("/connect");
  await page.getByLabel("Connection", { exact: true }).selectOption("demo");
  await page.getByLabel("Expires after", { exact: true }).selectOption("1h");
  await page.getByRole("button", { name: "Create token", exact: true }).click();
  const tokenField = page.getByLabel("Token", { exact: true });
  await expect(tokenField).toHaveValue(/^wdn_[A-Za-z0-9_-]{43}$/);
  return tokenField.inputValue();
}

async function withGateway(user: string, token: string, run: (client: pg.Client) => Promise<void>) {
  const client = new pg.Client({ host: "localhost", port: GATEWAY_PORT, database: "demo", user, password: token, ssl: gatewayTls(), application_name: "e2e-overview" });
  client.on("error", () => {});
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

/** Reads a chart's caption: "14 statements in the last 24 hours: 6 ok, 1 masked, 1 error, 4 blocked, 2 held". */
async function readTotals(page: Page, testId: string): Promise<Totals> {
  const text = (await page.getByTestId(`${testId}-summary`).textContent()) ?? "";
  const m = /^(\d+) statements? in .+: (\d+) ok, (\d+) masked, (\d+) error, (\d+) blocked, (\d+) held$/.exec(text.trim());
  if (!m) throw new Error(`unexpected chart summary: ${text}`);
  const [total, ok, masked, error, blocked, held] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return { total, ok, masked, error, blocked, held };
}

const minus = (a: Totals, b: Totals): Totals => ({
  total: a.total - b.total,
  ok: a.ok - b.ok,
  masked: a.masked - b.masked,
  error: a.error - b.error,
  blocked: a.blocked - b.blocked,
  held: a.held - b.held,
});

test.describe("overview activity dashboard", () => {
  test("charts, top lists and recent blocked statements from real gateway traffic, per role", async ({ page, browser }, testInfo) => {
    const marker = `e2e_overview_${Date.now()}`;
    const devBlockedSql = `select pg_read_file('/etc/hostname') as ${marker}_dev`;
    const adminBlockedSql = `select pg_read_file('/etc/hostname') as ${marker}_admin`;

    // Baselines: the store is shared with the other specs, so the checks below are about what this test adds.
    await signIn(page, ADMIN, "/");
    await expect(page.getByRole("heading", { name: "Activity across the organisation" })).toBeVisible();
    const adminBefore = await readTotals(page, "chart-last-day");
    const dev = await pageFor(browser, testInfo, DEV, "/");
    await expect(dev.getByRole("heading", { name: "Your activity" })).toBeVisible();
    const devBefore = await readTotals(dev, "chart-last-day");

    // The developer: two ok, a masked read, an error, then a statement the guardrails block (the 5th of the session).
    const devToken = await mintToken(dev);
    await withGateway(DEV, devToken, async (c) => {
      await c.query(`select 1 as ${marker}`);
      await c.query("select 2");
      const masked = await c.query<{ email: string }>("select email from customers order by id limit 2");
      expect(masked.rows[0]!.email).toMatch(/\*/);
      await expect(c.query("select * from no_such_table")).rejects.toMatchObject({ code: "42P01" });
      await expect(c.query(devBlockedSql)).rejects.toMatchObject({ code: "42501" });
    });
    // The admin: one blocked statement of their own, which the developer must not see.
    const adminToken = await mintToken(page);
    await withGateway(ADMIN, adminToken, async (c) => {
      await expect(c.query(adminBlockedSql)).rejects.toMatchObject({ code: "42501" });
    });

    // The admin's Overview: the organisation's day counts what both ran (the outcome is recorded when the answer arrives: poll).
    await page.goto("/");
    await expect
      .poll(async () => {
        await page.reload();
        return minus(await readTotals(page, "chart-last-day"), adminBefore);
      })
      .toEqual({ total: 6, ok: 2, masked: 1, error: 1, blocked: 2, held: 0 });
    const hour = await readTotals(page, "chart-last-hour");
    expect(hour.total).toBeGreaterThanOrEqual(6);
    expect(hour.blocked).toBeGreaterThanOrEqual(2);
    expect(hour.masked).toBeGreaterThanOrEqual(1);
    // The charts are drawn (recharts' SVG with bars), under their headings.
    for (const chart of ["chart-last-hour", "chart-last-day"]) {
      const figure = page.getByTestId(chart);
      await expect(figure.locator("svg.recharts-surface")).toBeVisible();
      await expect.poll(() => figure.locator(".recharts-bar-rectangle path, .recharts-bar-rectangle rect").count()).toBeGreaterThan(0);
    }
    await expect(page.getByRole("heading", { name: "Statements per minute, last hour" })).toBeVisible();
    // The hidden table has the figures for the current minutes too.
    await expect(page.getByTestId("chart-last-hour").locator("table tbody tr").first()).toBeAttached();
    await expect(page.getByTestId("organisation-counters")).toContainText("Connections in the catalog");
    await expect(page.getByTestId("top-people-by-statements")).toContainText(DEV);
    await expect(page.getByTestId("top-people-by-blocks")).toContainText(ADMIN);

    // Recent blocked: both, newest first, the developer's linking to the player at its 5th statement.
    const items = page.getByTestId("recent-blocked-item");
    await expect(items.first()).toContainText(`${marker}_admin`);
    const devItem = items.filter({ hasText: `${marker}_dev` });
    await expect(devItem).toHaveCount(1);
    await expect(devItem).toContainText("statement #5");
    const link = devItem.getByRole("link", { name: devBlockedSql });
    await expect(link).toHaveAttribute("href", /^\/sessions\/[0-9a-f-]{36}\?seq=5$/);
    await link.click();
    await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}\?seq=5$/);
    await expect(page.getByRole("heading", { name: "Identity" })).toBeVisible();
    const options = page.getByRole("listbox", { name: "Statements" }).getByRole("option");
    await expect(options).toHaveCount(5);
    await expect(options.nth(4)).toContainText(`${marker}_dev`);
    // The player opens at that statement, not the first.
    await expect(page.getByText(/^Statement 5 of 5$/)).toBeVisible();
    await expect(options.nth(4)).toHaveAttribute("aria-selected", "true");

    // The developer: only their own statements, no organisation counters, not the admin's blocked statement.
    await dev.goto("/");
    await expect
      .poll(async () => {
        await dev.reload();
        return minus(await readTotals(dev, "chart-last-day"), devBefore);
      })
      .toEqual({ total: 5, ok: 2, masked: 1, error: 1, blocked: 1, held: 0 });
    await expect(dev.getByTestId("activity-dashboard")).toHaveAttribute("data-scope", "own");
    await expect(dev.getByTestId("organisation-counters")).toHaveCount(0);
    await expect(dev.getByText("Connections in the catalog")).toHaveCount(0);
    await expect(dev.getByText("Audit events, last 24 h")).toHaveCount(0);
    const devPeople = dev.getByTestId("top-people-by-statements").locator("tbody th");
    await expect(devPeople).toHaveText([DEV]);
    await expect(dev.getByTestId("recent-blocked")).toContainText(`${marker}_dev`);
    await expect(dev.getByTestId("recent-blocked")).not.toContainText(`${marker}_admin`);
    await expect(dev.getByTestId("recent-blocked-item").filter({ hasText: ADMIN })).toHaveCount(0);

    // The API narrows the same way, whatever the page shows.
    const api = await dev.request.get("/api/overview");
    expect(api.status()).toBe(200);
    const body = (await api.json()) as { scope: string; organisation: unknown; recentBlocked: { userName: string }[] };
    expect(body.scope).toBe("own");
    expect(body.organisation).toBeNull();
    expect(body.recentBlocked.every((b) => b.userName === DEV)).toBe(true);
    await dev.context().close();
  });
});
