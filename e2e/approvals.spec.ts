import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import pg from "pg";
import { createToken } from "@/lib/server/tokens/create-token";
import { signIn } from "./fixtures/sign-in";
import { openE2eStore } from "./fixtures/store";
import { gatewayTls } from "./fixtures/gateway-tls";

/**
 * Held statements end to end: an agent's write through the real gateway waits, the reviewer's inbox
 * shows it live (no reload), the approval lets it run. And the policy editor: a new guardrail saved
 * as the next version, read back in History. The global setup starts the gateway (E2E_GATEWAY_PORT).
 */

const GATEWAY_PORT = Number(process.env.E2E_GATEWAY_PORT ?? 3130);
const DEV = "dev@example.com";
const REVIEWER = "reviewer@example.com";
const ADMIN = "admin@example.com";
const HELD_SQL = "update orders set status = 'paid' where id = 1";

async function pageFor(browser: Browser, testInfo: TestInfo, email: string, returnTo: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, email, returnTo);
  return page;
}

/** A token for an AI agent, minted with the same service as `warden token create --agent`. */
async function mintAgentToken(): Promise<string> {
  const store = openE2eStore();
  try {
    const { token } = await createToken(store.db, store.secretKey, "e2e", {
      userName: DEV,
      connectionName: "demo",
      groups: ["developer"],
      actorKind: "agent",
      agentName: "claude-code",
      ttlMs: 60 * 60 * 1000,
    });
    return token;
  } finally {
    await store.close();
  }
}

test.describe("approvals", () => {
  test("an agent's write waits in the gateway, appears in the reviewer's inbox live, and runs once approved", async ({ browser }, testInfo) => {
    const token = await mintAgentToken();
    const reviewer = await pageFor(browser, testInfo, REVIEWER, "/approvals");
    await expect(reviewer.getByRole("heading", { name: "Approvals", exact: true })).toBeVisible();
    await expect(reviewer.getByText("Nothing waits for a decision")).toBeVisible();
    // The stream is open before the statement is sent, so what follows can only arrive through it.
    await expect(reviewer.getByRole("status").filter({ hasText: /^Live$/ })).toBeVisible();
    await reviewer.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = "same page"));

    const client = new pg.Client({ host: "localhost", port: GATEWAY_PORT, database: "demo", user: DEV, password: token, ssl: gatewayTls(), application_name: "e2e-approvals" });
    client.on("error", () => {});
    const notices: string[] = [];
    client.on("notice", (n) => notices.push(n.message ?? ""));
    await client.connect();
    try {
      const held = client.query(HELD_SQL);
      held.catch(() => {});

      const card = reviewer.getByRole("article", { name: `Request from ${DEV}` }).filter({ hasText: HELD_SQL });
      await expect(card).toBeVisible({ timeout: 3000 });
      expect(await reviewer.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe("same page");
      await expect(card).toContainText("agent");
      await expect(card).toContainText("claude-code");
      await expect(card).toContainText("demo");
      await expect(card).toContainText("Agents' writes and DDL need a reviewer");
      await expect(card.getByRole("timer")).toHaveText(/^Time left\s*\d{1,2}:\d\d$/);
      await expect(reviewer.getByRole("link", { name: /^Approvals\W*1 pending$/ })).toBeVisible();

      // The gateway's notice names the request and links to its page in the console.
      const detailHref = await card.getByRole("link", { name: "Details" }).getAttribute("href");
      expect(detailHref).toMatch(/^\/approvals\/[0-9a-f-]{36}$/);
      await expect.poll(() => notices.join("\n")).toContain(detailHref!);

      // Who it runs as, and who minted the token (here the e2e fixture): neither may approve it.
      await expect(card).toContainText(`${DEV} (minted by e2e)`);
      await card.getByLabel("Comment").fill("Looks right: order 1 was paid by wire.");
      // A grant covers this exact statement unless the reviewer picks its whole shape, each explained.
      await card.getByLabel("Also let it run again without asking, for").check();
      const scope = card.getByRole("group", { name: "The grant covers" });
      await expect(scope.getByLabel("This exact statement")).toBeChecked();
      await expect(scope.getByLabel("Every statement of this shape (fingerprint)")).not.toBeChecked();
      await expect(scope).toContainText("Any other value, literal, spacing or an added statement is held again.");
      await expect(scope).toContainText("for example every id, not just this one");
      await card.getByRole("button", { name: "Approve" }).click();
      const result = await held;
      expect(result.rowCount).toBe(1);

      await expect(reviewer.getByText("Nothing waits for a decision")).toBeVisible();
      await expect(reviewer.getByRole("link", { name: /^Approvals$/ })).toBeVisible();
      await reviewer.getByRole("tab", { name: "History" }).click();
      const row = reviewer.getByRole("table", { name: "Decided requests" }).getByRole("row").filter({ hasText: HELD_SQL });
      await expect(row).toContainText("approved");
      await expect(row).toContainText(REVIEWER);
      await expect(row).toContainText("Looks right: order 1 was paid by wire.");

      // The request's own page, where the notice links, shows the vote.
      await reviewer.goto(detailHref!);
      await expect(reviewer.getByRole("heading", { name: "Approval request" })).toBeVisible();
      const votes = reviewer.locator("section").filter({ has: reviewer.getByRole("heading", { name: "Votes" }) });
      await expect(votes).toContainText(REVIEWER);
      await expect(votes).toContainText("approved");
      await expect(votes).toContainText("offered a 60-minute grant of this exact statement");

      // The grant is of the exact statement; revoked here, so later statements are held as before.
      await reviewer.goto("/approvals/grants");
      const grant = reviewer.getByRole("table", { name: "Time-boxed grants" }).getByRole("row").filter({ hasText: HELD_SQL });
      await expect(grant).toContainText("this exact statement");
      await grant.getByRole("button", { name: /^Revoke the grant/ }).click();
      await reviewer.getByRole("dialog", { name: "Revoke this grant?" }).getByRole("button", { name: "Revoke" }).click();
      await expect(grant).toHaveCount(0);
    } finally {
      await client.end().catch(() => {});
      await reviewer.context().close();
    }
  });

  test("an admin who minted a dev's token is told in the inbox that they cannot approve the dev's statement", async ({ browser }, testInfo) => {
    const store = openE2eStore();
    let token: string;
    try {
      ({ token } = await createToken(store.db, store.secretKey, ADMIN, { userName: DEV, connectionName: "demo", groups: ["developer"], actorKind: "agent", agentName: "minted-by-admin", ttlMs: 60 * 60 * 1000 }));
    } finally {
      await store.close();
    }
    const admin = await pageFor(browser, testInfo, ADMIN, "/approvals");
    const client = new pg.Client({ host: "localhost", port: GATEWAY_PORT, database: "demo", user: DEV, password: token, ssl: gatewayTls(), application_name: "e2e-minted" });
    client.on("error", () => {});
    await client.connect();
    const sql = "update orders set status = 'paid' where id = 2";
    try {
      const held = client.query(sql).catch((e: Error) => e);
      const card = admin.getByRole("article", { name: `Request from ${DEV} (minted by ${ADMIN})` }).filter({ hasText: sql });
      await expect(card).toBeVisible({ timeout: 5000 });
      await expect(card.getByRole("note")).toHaveText(`You cannot approve a statement run under a token you minted (for ${DEV}).`);
      await expect(card.getByRole("button", { name: "Approve" })).toHaveCount(0);

      // A reviewer who did not mint it decides (here: rejects, so nothing changes).
      const reviewer = await pageFor(browser, testInfo, REVIEWER, "/approvals");
      const theirs = reviewer.getByRole("article", { name: `Request from ${DEV} (minted by ${ADMIN})` }).filter({ hasText: sql });
      await theirs.getByLabel("Comment").fill("Not this one.");
      await theirs.getByRole("button", { name: "Reject" }).click();
      expect(await held).toMatchObject({ message: expect.stringMatching(new RegExp(`^Rejected by ${REVIEWER.replace(".", "\\.")} .*: Not this one\\.$`)) });
      await reviewer.context().close();
    } finally {
      await client.end().catch(() => {});
      await admin.context().close();
    }
  });

  test("the policy preview tells a reviewer what the policy would do with an agent's write", async ({ page }) => {
    await signIn(page, REVIEWER, "/policy-preview");
    await page.getByLabel("Connection", { exact: true }).selectOption({ label: "demo" });
    await page.getByLabel("SQL", { exact: true }).fill(HELD_SQL);
    await page.getByLabel("User", { exact: true }).fill(DEV);
    await page.getByLabel("Actor kind").selectOption("agent");
    await page.getByLabel("Agent name").fill("claude-code");
    await page.getByLabel("Groups").fill("developer");
    await page.getByRole("button", { name: "Check" }).click();
    const result = page.getByRole("region", { name: "Result" });
    await expect(result).toContainText("Held for approval by “Agents' writes and DDL need a reviewer”");
    const statement = result.getByRole("article", { name: "Statement 1" });
    await expect(statement).toContainText("write");
    await expect(statement).toContainText("orders");
  });

  test("an admin adds a guardrail, saves it as the next version, and reads the change in History", async ({ page }) => {
    await signIn(page, ADMIN, "/connections");
    await page.getByRole("link", { name: "demo", exact: true }).click();
    await page.getByRole("link", { name: "Policy", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Policy", exact: true })).toBeVisible();
    const current = Number(/Version (\d+)/.exec((await page.getByText(/^Version \d+, saved by/).textContent()) ?? "")?.[1]);
    expect(current).toBeGreaterThan(0);
    const next = current + 1;

    await page.getByRole("button", { name: "Add guardrail" }).click();
    const rule = page.getByRole("list", { name: "Guardrails" }).getByRole("listitem").last();
    await rule.getByLabel("Name", { exact: true }).fill("No TRUNCATE");
    await rule.getByLabel("TRUNCATE", { exact: true }).check();
    await rule.getByLabel("Message to the client").fill("TRUNCATE is not allowed through Warden.");
    await expect(rule).toContainText("Every statement flagged TRUNCATE");

    await page.getByRole("button", { name: "Save…" }).click();
    const dialog = page.getByRole("dialog", { name: `Save as version ${next}` });
    await dialog.getByLabel("Comment").fill("Block TRUNCATE for everyone");
    await dialog.getByRole("button", { name: `Save version ${next}` }).click();
    await expect(page.getByText(`Saved as version ${next}.`)).toBeVisible();
    await expect(page.getByText(new RegExp(`^Version ${next}, saved by ${ADMIN}`))).toBeVisible();

    await page.getByRole("tab", { name: "History" }).click();
    const version = page.getByRole("list", { name: "Policy versions" }).getByRole("button", { name: new RegExp(`^Version ${next}(?!\\d)`) });
    await expect(version).toContainText("Block TRUNCATE for everyone");
    await expect(version).toHaveAttribute("aria-current", "true");
    const changes = page.getByRole("region", { name: `Changes in version ${next}` });
    await expect(changes).toContainText("Guardrail “No TRUNCATE”");
    await expect(changes).toContainText("Added: Every statement flagged TRUNCATE");

    // The saved version is the one in force after a reload.
    await page.reload();
    await page.getByRole("tab", { name: "Rules" }).click();
    await expect(page.getByRole("article", { name: "Guardrail No TRUNCATE" })).toBeVisible();
  });
});
