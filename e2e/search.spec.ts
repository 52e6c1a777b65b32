import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { createToken } from "@/lib/server/tokens/create-token";
import { gatewayTls } from "./fixtures/gateway-tls";
import { signIn } from "./fixtures/sign-in";
import { openE2eStore } from "./fixtures/store";

/**
 * Search what was run, end to end: a statement goes through the real gateway in this test, an
 * auditor finds it by a piece of its text on /sessions?q=…, opens it in the player at that very
 * statement, sees it inline in the audit log with a link to it, and downloads the log's filtered
 * events as CSV and JSON lines.
 */

const GATEWAY_PORT = Number(process.env.E2E_GATEWAY_PORT ?? 3130);
const DEV = "dev@example.com";
const AUDITOR = "auditor@example.com";

async function pageFor(browser: Browser, testInfo: TestInfo, email: string, returnTo: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, email, returnTo);
  return page;
}

async function mintAgentToken(): Promise<string> {
  const store = openE2eStore();
  try {
    const { token } = await createToken(store.db, store.secretKey, "e2e", { userName: DEV, connectionName: "demo", groups: ["developer"], actorKind: "agent", agentName: "e2e-search-agent", ttlMs: 60 * 60 * 1000 });
    return token;
  } finally {
    await store.close();
  }
}

test.describe("search what was run", () => {
  test("a statement run through the gateway is found, opens in the player, shows in the audit log and its exports", async ({ browser }, testInfo) => {
    const needle = `needle_${Date.now().toString(36)}`;
    const client = new pg.Client({ host: "localhost", port: GATEWAY_PORT, database: "demo", user: DEV, password: await mintAgentToken(), ssl: gatewayTls(), application_name: "e2e-search" });
    client.on("error", () => {});
    await client.connect();
    await client.query("select 1");
    await client.query("select count(*) from customers");
    await client.query(`select '${needle}' as marker, name from customers limit 1`);
    await client.end();

    const auditor = await pageFor(browser, testInfo, AUDITOR, `/sessions?q=${needle}`);
    await expect(auditor.getByLabel("Search what was run")).toHaveValue(needle);
    const table = auditor.getByRole("table", { name: new RegExp(`Statements containing “${needle}”`) });
    const row = table.getByRole("row").filter({ hasText: needle });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(DEV);
    await expect(row).toContainText("e2e-search-agent");
    await expect(row).toContainText("Allowed");
    await expect(row.locator("mark")).toHaveText(needle);
    const link = row.getByRole("link", { name: /Open statement 3 of the session/ });
    await link.click();
    await expect(auditor).toHaveURL(/\/sessions\/[0-9a-f-]{36}\?seq=3$/);
    await expect(auditor.getByText("Statement 3 of 3")).toBeVisible();
    const sessionPath = new URL(auditor.url()).pathname;

    // A search that matches nothing says so; the developer finds their own statement too.
    await auditor.goto("/sessions?q=no_statement_has_this_text_zz");
    await expect(auditor.getByText("No statement contains this text")).toBeVisible();
    const dev = await pageFor(browser, testInfo, DEV, `/sessions?q=${needle}`);
    await expect(dev.getByRole("row").filter({ hasText: needle })).toHaveCount(1);

    // The audit log: the statement's event shows its SQL and decision, and links to the statement.
    // The gateway's events reach the chain a moment after the statement: reload until it shows.
    await expect(async () => {
      await auditor.goto(`/audit?q=${needle}`);
      await expect(auditor.getByTestId("audit-statement").first()).toContainText(needle, { timeout: 2000 });
    }).toPass({ timeout: 30_000 });
    const auditRow = auditor.getByRole("row").filter({ hasText: "gateway.statement" });
    await expect(auditRow).toHaveCount(1);
    await expect(auditRow).toContainText("Allowed");
    await expect(auditRow.getByRole("link", { name: "Open statement 3" })).toHaveAttribute("href", `${sessionPath}?seq=3`);

    // The exports hold exactly the filtered rows.
    const csvHref = await auditor.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    expect(csvHref).toContain(`q=${needle}`);
    const csv = await auditor.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    expect(csv.headers()["content-disposition"]).toMatch(/attachment; filename="warden-audit-.+\.csv"/);
    const csvLines = (await csv.text()).trimEnd().split("\r\n");
    expect(csvLines[0]).toMatch(/^seq,occurred_at,actor,action,/);
    expect(csvLines.filter((l) => l.includes("gateway.statement") && l.includes(needle))).toHaveLength(1);

    const jsonlHref = await auditor.getByRole("link", { name: "Export JSON lines" }).getAttribute("href");
    const jsonl = await auditor.request.get(jsonlHref!);
    expect(jsonl.status()).toBe(200);
    const events = (await jsonl.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as { action: string; statementSeq: number | null; details: { sql?: string } });
    expect(events.filter((e) => e.action === "gateway.statement")).toMatchObject([{ statementSeq: 3, details: { sql: expect.stringContaining(needle) } }]);

    // The log and its exports are for admins and auditors only.
    expect((await dev.request.get(`/api/audit/export?format=csv&q=${needle}`)).status()).toBe(403);
  });
});
