import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { signIn } from "./fixtures/sign-in";
import { gatewayTls } from "./fixtures/gateway-tls";

/**
 * Masking end to end: an admin marks `public.customers.address` as an address in the policy editor's
 * Masking tab (the live preview masks it at once, on the server) and saves the next version; a
 * developer's query through the real gateway then gets it masked, and the auditor's replay of that
 * session shows the masked value, marked as masked. The global setup starts the gateway
 * (E2E_GATEWAY_PORT) and exports the demo database's address (E2E_DEMO_DB_URL).
 */

const GATEWAY_PORT = Number(process.env.E2E_GATEWAY_PORT ?? 3130);
const ADMIN = "admin@example.com";
const DEV = "dev@example.com";
const SQL = "select name, address, email from customers order by id limit 3";

type Customer = { name: string; address: string | null; email: string };

async function pageFor(browser: Browser, testInfo: TestInfo, email: string, returnTo: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, email, returnTo);
  return page;
}

/** The rows as they are in the demo database, read directly, past the gateway. */
async function readRealCustomers(): Promise<Customer[]> {
  const client = new pg.Client({ connectionString: process.env.E2E_DEMO_DB_URL, ssl: false });
  await client.connect();
  try {
    return (await client.query<Customer>(SQL)).rows;
  } finally {
    await client.end();
  }
}

/** A token minted on the Connect page, read from its "shown once" card. */
async function mintOnConnectPage(page: Page): Promise<string> {
  await page.goto("/connect");
  await page.getByLabel("Connection", { exact: true }).selectOption("demo");
  await page.getByLabel("Expires after", { exact: true }).selectOption("1h");
  await page.getByRole("button", { name: "Create token", exact: true }).click();
  const tokenField = page.getByLabel("Token", { exact: true });
  await expect(tokenField).toHaveValue(/^wdn_/);
  return tokenField.inputValue();
}

test.describe("masking", () => {
  test("an admin marks customers.address as an address; the developer's rows and the auditor's replay show it masked", async ({ page, browser }, testInfo) => {
    const real = await readRealCustomers();
    expect(real).toHaveLength(3);
    for (const c of real) expect(c.address, "the demo customers have addresses").toBeTruthy();

    // The admin: Masking tab of the demo connection's policy.
    await signIn(page, ADMIN, "/connections");
    await page.getByRole("link", { name: "demo", exact: true }).click();
    await page.getByRole("link", { name: "Policy", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Policy", exact: true })).toBeVisible();
    const current = Number(/Version (\d+)/.exec((await page.getByText(/^Version \d+, saved by/).textContent()) ?? "")?.[1]);
    const next = current + 1;
    await page.getByRole("tab", { name: "Masking" }).click();

    // Filtering on a column opens the tables that have it.
    await page.getByLabel("Filter tables and columns").fill("address");
    const addressColumn = page.getByRole("button", { name: "public.customers.address", exact: true });
    await addressColumn.click();
    const picker = page.getByRole("group", { name: "Masking of public.customers.address" });
    const previewed = page.waitForResponse((res) => res.url().endsWith("/masking-preview") && (res.request().postData() ?? "").includes('"public.customers.address"'));
    await picker.getByLabel("Semantic type", { exact: true }).selectOption("address");
    await expect(picker).toContainText("[address]");
    await expect(page.getByRole("row").filter({ has: addressColumn })).toContainText("Postal address");

    // The live preview of the draft, masked on the server: no real address or email in what the browser got.
    const response = await previewed;
    expect(response.status()).toBe(200);
    const body = await response.text();
    for (const c of real) {
      expect(body).not.toContain(c.address!);
      expect(body).not.toContain(c.email);
    }
    const sample = page.getByRole("table", { name: "Masked sample rows of public.customers" });
    await expect(sample).toContainText("[address]");
    await expect(sample.locator("tbody td[data-masked]").first()).toBeVisible();

    // Saved as the next version, with a comment, like every policy change.
    await page.getByRole("button", { name: "Save…" }).click();
    const dialog = page.getByRole("dialog", { name: `Save as version ${next}` });
    await dialog.getByLabel("Comment").fill("Mask customers' postal addresses");
    await dialog.getByRole("button", { name: `Save version ${next}` }).click();
    await expect(page.getByText(`Saved as version ${next}.`)).toBeVisible();
    await page.goto("/audit");
    await expect(page.getByRole("row").filter({ hasText: "policy.update" }).filter({ hasText: "demo" }).first()).toBeVisible();

    // The developer: a token from the Connect page, and the query through the gateway.
    const dev = await pageFor(browser, testInfo, DEV, "/connect");
    const token = await mintOnConnectPage(dev);
    await dev.context().close();
    const app = `e2e-masking-${Date.now()}`;
    const client = new pg.Client({ host: "localhost", port: GATEWAY_PORT, database: "demo", user: DEV, password: token, ssl: gatewayTls(), application_name: app });
    client.on("error", () => {});
    await client.connect();
    let rows: Customer[];
    try {
      rows = (await client.query<Customer>(SQL)).rows;
    } finally {
      await client.end();
    }
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => {
      expect(row.name).toBe(real[i]!.name);
      expect(row.address).toBe("[address]");
      expect(row.address).not.toBe(real[i]!.address);
      expect(row.email).not.toBe(real[i]!.email);
      expect(row.email).toMatch(/^[^@]\*+@/);
    });

    // The auditor: the recorded rows are the masked ones, and the masked cells are marked.
    const auditor = await pageFor(browser, testInfo, "auditor@example.com", "/sessions");
    await auditor.goto(`/sessions?user=${encodeURIComponent(DEV)}`);
    const sessionRow = auditor.getByRole("row").filter({ hasText: app });
    await expect(sessionRow).toHaveCount(1);
    await sessionRow.getByRole("link").first().click();
    await expect(auditor).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
    const detail = auditor.getByRole("region", { name: "Selected statement" });
    await expect(detail.getByRole("region", { name: "SQL", exact: true }).locator("pre")).toHaveText(SQL);
    const resultRows = detail.getByRole("table", { name: "Result rows" }).locator("tbody tr");
    await expect(resultRows).toHaveCount(3);
    for (const [i, row] of rows.entries()) {
      const cells = resultRows.nth(i).locator("td");
      await expect(cells).toHaveText([row.name, "[address]", row.email]);
      await expect(cells.nth(1)).toHaveAttribute("title", /^Masked \(address\) · public\.customers\.address/);
      await expect(cells.nth(2)).toHaveAttribute("title", /^Masked \(email\)/);
      await expect(cells.nth(0)).not.toHaveAttribute("title", /Masked/);
    }
    await expect(detail.getByRole("table", { name: "Result rows" })).not.toContainText(real[0]!.address!);
    await auditor.context().close();
  });
});
