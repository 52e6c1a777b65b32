import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, test, type Browser, type Page, type TestInfo } from "@playwright/test";
import { desc, eq } from "drizzle-orm";
import pg from "pg";
import { connections, sessions } from "@/drizzle/schema";
import { createToken } from "@/lib/server/tokens/create-token";
import { gatewayTls } from "./fixtures/gateway-tls";
import { signIn } from "./fixtures/sign-in";
import { openE2eStore } from "./fixtures/store";

/**
 * The console on a phone (390×844) and a desktop (1440×900), in real Chromium: every page each role
 * can reach fits the viewport without sideways scrolling; below md the navigation is a menu; a
 * reviewer approves a statement the real gateway holds from the phone and sees the toast; the
 * inbox's keyboard shortcuts work; the Sessions list refreshes itself while a session is open.
 * With E2E_SHOTS_DIR set, it also saves screenshots of the main pages there (never committed).
 */

const GATEWAY_PORT = Number(process.env.E2E_GATEWAY_PORT ?? 3130);
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const ADMIN = "admin@example.com";
const REVIEWER = "reviewer@example.com";
const AUDITOR = "auditor@example.com";
const DEV = "dev@example.com";
const SHOTS_DIR = process.env.E2E_SHOTS_DIR;

type RoleName = "admin" | "reviewer" | "auditor" | "developer";
const EMAILS: Record<RoleName, string> = { admin: ADMIN, reviewer: REVIEWER, auditor: AUDITOR, developer: DEV };

/** Every page and who may open it (the same roles the pages check on the server). */
const PAGES: { path: (ids: SeedIds, role: RoleName) => string | null; roles: RoleName[] }[] = [
  { path: () => "/", roles: ["admin", "reviewer", "auditor", "developer"] },
  { path: () => "/connect", roles: ["admin", "reviewer", "auditor", "developer"] },
  { path: () => "/approvals", roles: ["admin", "reviewer"] },
  { path: () => "/approvals?tab=history", roles: ["admin", "reviewer"] },
  { path: () => "/approvals/grants", roles: ["admin", "reviewer"] },
  { path: () => "/sessions", roles: ["admin", "reviewer", "auditor", "developer"] },
  // Developers and reviewers see only their own sessions: each opens one of theirs.
  { path: (ids, role) => `/sessions/${role === "reviewer" ? ids.reviewerSessionId : ids.devSessionId}`, roles: ["admin", "reviewer", "auditor", "developer"] },
  { path: () => "/policy-preview", roles: ["admin", "reviewer"] },
  { path: () => "/connections", roles: ["admin"] },
  { path: () => "/connections/new", roles: ["admin"] },
  { path: (ids) => `/connections/${ids.connectionId}`, roles: ["admin"] },
  { path: (ids) => `/connections/${ids.connectionId}/policy`, roles: ["admin"] },
  { path: () => "/tokens", roles: ["admin"] },
  { path: () => "/audit", roles: ["admin", "auditor"] },
  { path: () => "/sinks", roles: ["admin"] },
  { path: () => "/sinks/new", roles: ["admin"] },
];

type SeedIds = { connectionId: string; devSessionId: string; reviewerSessionId: string };

/** A token for an AI agent of dev's, minted with the same service as `warden token create --agent`. */
async function mintAgentToken(agentName = "claude-code"): Promise<string> {
  const store = openE2eStore();
  try {
    const { token } = await createToken(store.db, store.secretKey, "e2e", { userName: DEV, connectionName: "demo", groups: ["developer"], actorKind: "agent", agentName, ttlMs: 3_600_000 });
    return token;
  } finally {
    await store.close();
  }
}

function gatewayClient(password: string, applicationName: string): pg.Client {
  const client = new pg.Client({ host: "localhost", port: GATEWAY_PORT, database: "demo", user: DEV, password, ssl: gatewayTls(), application_name: applicationName });
  client.on("error", () => {});
  return client;
}

async function pageFor(browser: Browser, testInfo: TestInfo, email: string, returnTo = "/"): Promise<Page> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await signIn(page, email, returnTo);
  return page;
}

/** Waits until the page has its heading and nothing is still loading, then gives late layout a moment. */
async function settle(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0, { timeout: 15_000 });
  await page.waitForTimeout(250);
}

/** The widest offenders when the document is wider than the viewport: elements poking out, not clipped by a scrolling box. */
async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; offenders: string[] }> {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const poking = new Set<Element>();
    const offenders: string[] = [];
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 0.5) continue;
      let clipped = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= vw + 0.5) {
          clipped = true;
          break;
        }
      }
      if (clipped) continue;
      poking.add(el);
      // Name the outermost element that pokes out, not each of its children.
      if (el.parentElement && poking.has(el.parentElement)) continue;
      const classes = Array.from(el.classList).slice(0, 5).join(".");
      offenders.push(`${el.tagName.toLowerCase()}${classes ? `.${classes}` : ""} right=${Math.round(r.right)} “${(el.textContent ?? "").trim().slice(0, 50)}”`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, offenders: offenders.slice(0, 6) };
  });
}

/** The main lists must fit at 1440 px as tables: no sideways scrolling inside their own box, user names on one line. */
const WIDE_TABLE_PAGES = new Set(["/sessions", "/approvals?tab=history", "/tokens"]);

async function crushedTables(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const table of Array.from(document.querySelectorAll("table"))) {
      const box = table.parentElement!;
      const name = table.querySelector("caption")?.textContent ?? "a table";
      if (box.scrollWidth > box.clientWidth + 1) problems.push(`${name} scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`);
      for (const cell of Array.from(table.querySelectorAll('td[data-label="User"] > div'))) {
        const lineHeight = parseFloat(getComputedStyle(cell).lineHeight);
        if (cell.getBoundingClientRect().height > lineHeight * 1.5) problems.push(`${name}: the user “${cell.textContent}” wraps`);
      }
    }
    return problems;
  });
}

async function screenshot(page: Page, name: string) {
  if (!SHOTS_DIR) return;
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

test.describe("responsive console", () => {
  let ids: SeedIds;

  test.beforeAll(async () => {
    // A recorded session of dev's through the real gateway, with a result and a long statement to lay out.
    const token = await mintAgentToken("responsive-agent");
    const client = gatewayClient(token, "e2e-responsive");
    await client.connect();
    await client.query("select id, name, email, phone from customers order by id limit 5");
    await client.query(`select '${"a_rather_long_unbroken_literal_".repeat(6)}' as long_value, count(*) from orders where status = 'paid' or status = 'shipped' or status = 'cancelled'`);
    await client.end();

    const store = openE2eStore();
    try {
      const [conn] = await store.db.select({ id: connections.id }).from(connections).where(eq(connections.name, "demo"));
      const [devSession] = await store.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userName, DEV)).orderBy(desc(sessions.startedAt)).limit(1);
      // The reviewer has no gateway access in the demo; a recorded session of theirs is enough to open the player.
      const reviewerSessionId = randomUUID();
      const startedAt = new Date(Date.now() - 60_000);
      await store.db.insert(sessions).values({
        id: reviewerSessionId,
        connectionId: conn.id,
        connectionName: "demo",
        userName: REVIEWER,
        actorKind: "human",
        authMethod: "token",
        clientAddress: "127.0.0.1",
        isTls: true,
        protocolVersion: "3.0",
        gatewayInstance: "e2e",
        recordingMode: "strict",
        startedAt,
        endedAt: new Date(startedAt.getTime() + 5000),
        endReason: "client_terminated",
      });
      ids = { connectionId: conn.id, devSessionId: devSession.id, reviewerSessionId };
    } finally {
      await store.close();
    }
  });

  for (const role of ["admin", "reviewer", "auditor", "developer"] as const) {
    test(`every page a ${role} can reach fits 390 px and 1440 px without sideways scrolling`, async ({ browser }, testInfo) => {
      test.setTimeout(240_000);
      const page = await pageFor(browser, testInfo, EMAILS[role]);
      try {
        const paths = PAGES.filter((p) => p.roles.includes(role)).map((p) => p.path(ids, role)!);
        for (const viewport of [PHONE, DESKTOP]) {
          await page.setViewportSize(viewport);
          for (const target of paths) {
            const response = await page.goto(target);
            expect(response?.status(), `${target} as ${role}`).toBe(200);
            await settle(page);
            const overflow = await horizontalOverflow(page);
            expect
              .soft(overflow.scrollWidth, `${target} as ${role} at ${viewport.width} px scrolls sideways; poking out: ${overflow.offenders.join(" | ")}`)
              .toBeLessThanOrEqual(overflow.innerWidth);
            if (viewport === DESKTOP && WIDE_TABLE_PAGES.has(target)) {
              expect.soft(await crushedTables(page), `${target} as ${role} at 1440 px`).toEqual([]);
            }
          }
        }
        if (role === "auditor") {
          for (const viewport of [PHONE, DESKTOP]) {
            await page.setViewportSize(viewport);
            for (const [name, target] of [["overview", "/"], ["sessions", "/sessions"], ["player", `/sessions/${ids.devSessionId}`]] as const) {
              await page.goto(target);
              await settle(page);
              await screenshot(page, `${name}-${viewport.width}`);
            }
          }
        }
      } finally {
        await page.context().close();
      }
    });
  }

  test("below md the navigation is a menu button that opens, closes on Escape, and folds after a link", async ({ browser }, testInfo) => {
    const page = await pageFor(browser, testInfo, ADMIN);
    try {
      await page.setViewportSize(PHONE);
      const nav = page.getByRole("navigation", { name: "Main" });
      const menu = page.getByRole("button", { name: /^Menu/ });
      await expect(nav).toBeHidden();
      await expect(menu).toHaveAttribute("aria-expanded", "false");

      await menu.click();
      await expect(menu).toHaveAttribute("aria-expanded", "true");
      await expect(nav).toBeVisible();
      await expect(nav.getByRole("link", { name: "Overview" })).toBeFocused();
      await expect(page.getByTestId("current-user")).toBeVisible();
      expect((await horizontalOverflow(page)).scrollWidth).toBeLessThanOrEqual(PHONE.width);

      await page.keyboard.press("Escape");
      await expect(nav).toBeHidden();
      await expect(menu).toHaveAttribute("aria-expanded", "false");
      await expect(menu).toBeFocused();

      await menu.click();
      await nav.getByRole("link", { name: "Sessions" }).click();
      await expect(page).toHaveURL(/\/sessions$/);
      await expect(page.getByRole("heading", { name: "Sessions", exact: true })).toBeVisible();
      await expect(nav).toBeHidden();
      await expect(menu).toHaveAttribute("aria-expanded", "false");

      // From md up the sidebar is always there and the button is not.
      await page.setViewportSize(DESKTOP);
      await expect(nav).toBeVisible();
      await expect(menu).toBeHidden();
    } finally {
      await page.context().close();
    }
  });

  test("a reviewer on a phone reads a held statement in full and approves it, with a toast", async ({ browser }, testInfo) => {
    const sql = "update orders set status = 'shipped' where id = 3 and status is not null and customer_id is not null and created_at < now()";
    const token = await mintAgentToken();
    const reviewer = await pageFor(browser, testInfo, REVIEWER, "/approvals");
    await reviewer.setViewportSize(PHONE);
    const client = gatewayClient(token, "e2e-phone-review");
    await client.connect();
    try {
      await expect(reviewer.getByRole("status").filter({ hasText: /^Live$/ })).toBeVisible();
      const held = client.query(sql);
      held.catch(() => {});
      const card = reviewer.getByRole("article", { name: `Request from ${DEV} (minted by e2e)` }).filter({ hasText: "where id = 3" });
      await expect(card).toBeVisible({ timeout: 5000 });
      // Who, which agent, where, why, and the whole statement, wrapped rather than cut or scrolled sideways.
      await expect(card).toContainText(DEV);
      await expect(card).toContainText("claude-code");
      await expect(card).toContainText("demo");
      await expect(card).toContainText("Agents' writes and DDL need a reviewer");
      const sqlBox = card.getByRole("region", { name: "SQL" }).locator("pre");
      await expect(sqlBox).toHaveText(sql);
      await expect(sqlBox).toHaveCSS("white-space", "pre-wrap");
      expect(await sqlBox.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      const box = await card.boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      const overflow = await horizontalOverflow(reviewer);
      expect(overflow.scrollWidth, overflow.offenders.join(" | ")).toBeLessThanOrEqual(PHONE.width);
      await screenshot(reviewer, "inbox-390");

      const approve = card.getByRole("button", { name: "Approve" });
      await approve.scrollIntoViewIfNeeded();
      await expect(approve).toBeInViewport();
      await approve.click();
      const result = await held;
      expect(result.rowCount).toBe(1);
      const toasts = reviewer.getByRole("region", { name: "Notifications" });
      await expect(toasts).toContainText(`Approved the statement from ${DEV} (minted by e2e): it runs now.`);
      await expect(card).toHaveCount(0);
      // The toast goes by itself.
      await expect(toasts).not.toContainText("Approved", { timeout: 10_000 });
    } finally {
      await client.end().catch(() => {});
      await reviewer.context().close();
    }
  });

  test("the inbox's keyboard shortcuts select, reject with a comment, and approve; ? lists them", async ({ browser }, testInfo) => {
    const token = await mintAgentToken();
    const reviewer = await pageFor(browser, testInfo, REVIEWER, "/approvals");
    await reviewer.setViewportSize(DESKTOP);
    const clients = [gatewayClient(token, "e2e-keys-1"), gatewayClient(token, "e2e-keys-2")];
    await Promise.all(clients.map((c) => c.connect()));
    try {
      await expect(reviewer.getByRole("status").filter({ hasText: /^Live$/ })).toBeVisible();
      const statements = ["update orders set status = 'paid' where id = 4", "update orders set status = 'paid' where id = 5"];
      const held = statements.map((sql, i) => clients[i].query(sql).then(() => "ran", (e: Error) => e.message));
      const cards = reviewer.getByRole("list", { name: "Pending requests" }).getByRole("article");
      for (const sql of statements) await expect(cards.filter({ hasText: sql })).toBeVisible({ timeout: 5000 });
      await expect(cards).toHaveCount(2);
      await screenshot(reviewer, "inbox-1440");

      // ? opens the list of shortcuts as a dialog; Escape closes it.
      await reviewer.keyboard.press("?");
      const help = reviewer.getByRole("dialog", { name: "Keyboard shortcuts" });
      await expect(help).toBeVisible();
      await expect(help).toContainText("Approve the selected request");
      await reviewer.keyboard.press("Escape");
      await expect(help).toBeHidden();

      // a with nothing selected approves nothing, and says why.
      await reviewer.keyboard.press("a");
      await expect(reviewer.getByRole("region", { name: "Notifications" })).toContainText("Select a request first, with j or k.");
      await expect(cards).toHaveCount(2);

      // j selects the first, j the second, k the first again.
      const selected = reviewer.locator('article[aria-current="true"]');
      await reviewer.keyboard.press("j");
      await expect(selected).toHaveCount(1);
      await expect(cards.first()).toHaveAttribute("aria-current", "true");
      await expect(cards.first()).toBeFocused();
      await reviewer.keyboard.press("j");
      await expect(cards.nth(1)).toHaveAttribute("aria-current", "true");
      await reviewer.keyboard.press("k");
      await expect(cards.first()).toHaveAttribute("aria-current", "true");
      const firstText = (await cards.first().textContent()) ?? "";
      const rejected = statements.find((s) => firstText.includes(s))!;
      const approved = statements.find((s) => s !== rejected)!;
      expect(rejected).toBeDefined();

      // r puts focus in the selected card's comment, without typing the r; keys typed there are text, not shortcuts.
      await reviewer.keyboard.press("r");
      const comment = cards.first().getByLabel("Comment");
      await expect(comment).toBeFocused();
      await expect(comment).toHaveValue("");
      await reviewer.keyboard.type("just a risky write, rejected");
      await expect(comment).toHaveValue("just a risky write, rejected");
      await expect(cards).toHaveCount(2);
      await reviewer.keyboard.press("Control+Enter");
      const toasts = reviewer.getByRole("region", { name: "Notifications" });
      await expect(toasts).toContainText("Rejected the statement");
      expect(await held[statements.indexOf(rejected)]).toContain("just a risky write, rejected");

      // The selection passes to the request left; a approves it.
      await expect(cards).toHaveCount(1);
      await expect(cards.first()).toContainText(approved);
      await expect(cards.first()).toHaveAttribute("aria-current", "true");
      await reviewer.keyboard.press("a");
      await expect(toasts).toContainText("Approved the statement");
      expect(await held[statements.indexOf(approved)]).toBe("ran");
      await expect(reviewer.getByText("Nothing waits for a decision")).toBeVisible();
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await reviewer.context().close();
    }
  });

  test("the Sessions list refreshes itself while a listed session is open", async ({ browser }, testInfo) => {
    const token = await mintAgentToken("live-agent");
    const client = gatewayClient(token, "e2e-responsive-live");
    await client.connect();
    await client.query("select 1");
    const auditor = await pageFor(browser, testInfo, AUDITOR, `/sessions?user=${encodeURIComponent(DEV)}`);
    try {
      await auditor.setViewportSize(DESKTOP);
      const row = auditor.getByRole("table", { name: "Sessions, newest first" }).getByRole("row").filter({ hasText: "e2e-responsive-live" });
      await expect(row).toContainText("open");
      await auditor.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = "same page"));
      await client.end();
      // No reload: the list asks again every few seconds while a session it shows is open.
      await expect(row).not.toContainText("open", { timeout: 15_000 });
      await expect(row).toContainText("Client signed off");
      expect(await auditor.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe("same page");
    } finally {
      await client.end().catch(() => {});
      await auditor.context().close();
    }
  });
});
