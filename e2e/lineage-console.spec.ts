import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import pg from "pg";
import { connections, sessions, statements } from "@/drizzle/schema";
import { createToken } from "@/lib/server/tokens/create-token";
import { gatewayTls } from "./fixtures/gateway-tls";
import { signIn } from "./fixtures/sign-in";
import { openE2eStore } from "./fixtures/store";

/**
 * Issue 13 item 5, in the console: the policy preview shows each result column's lineage and the mask
 * it gets (reverse(email) is computed from customers.email and masked as a transformed email) and what
 * the lineage options do with a copy; the player marks a cell masked by lineage with its source
 * column; the masking tab's Lineage section and a type's mask for transformed values save, and the
 * preview follows them. The spec leaves the demo policy as it found it.
 */

const ADMIN = "admin@example.com";
const AUDITOR = "auditor@example.com";
const DEV = "dev@example.com";
const SHOTS = path.join("test-results", "lineage-console");

async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Checks SQL on the policy preview as a person on the demo connection. */
async function checkOnPreview(page: Page, sql: string) {
  await page.goto("/policy-preview");
  await page.getByLabel("Connection", { exact: true }).selectOption({ label: "demo" });
  await page.getByLabel("SQL", { exact: true }).fill(sql);
  await page.getByRole("button", { name: "Check", exact: true }).click();
}

test.describe("lineage in the console", () => {
  test("the policy preview shows reverse(email)'s lineage and mask, and holds a copy of masked data", async ({ page }) => {
    await signIn(page, ADMIN, "/policy-preview");
    await checkOnPreview(page, "select id, email, reverse(email) as rev, count(email) as n from customers group by id");
    const columns = page.getByRole("region", { name: "Column lineage" });
    await expect(columns).toBeVisible();
    const row = (name: string) => columns.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${name}\\b`) }) });
    await expect(row("rev")).toContainText("computed from public.customers.email");
    await expect(row("rev")).toContainText("email, transformed: full");
    await expect(row("email")).toContainText("direct from public.customers.email");
    await expect(row("email")).toContainText("email, partial (keep first 1)");
    await expect(row("n")).toContainText("exempt aggregate count");
    await expect(row("n")).toContainText(/none$/);
    await expect(page.getByRole("status").filter({ hasText: "Forwarded" })).toBeVisible();
    await shot(page, "preview-reverse-email-1440");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "preview-reverse-email-390");
    await page.setViewportSize({ width: 1280, height: 720 });

    await checkOnPreview(page, "create table e2e_copied as select reverse(email) as e from customers");
    const verdict = page.getByRole("status").filter({ hasText: "Held for review by lineage: copies masked data" });
    await expect(verdict).toContainText("copies masked data from customers.email");
    await expect(verdict).toContainText("One approval from reviewer");
    // No rule stops the copy; the box beside the verdict does not say "Forwarded".
    await expect(page.getByRole("status").filter({ hasText: "No rule matches" })).toContainText("the policy's lineage options decide");
    await expect(page.getByRole("region", { name: "Column lineage" })).toContainText("new table e2e_copied");
    await shot(page, "preview-copy-held");
  });

  test("the player marks a cell masked by lineage with its source column", async ({ page }) => {
    const store = openE2eStore();
    const sessionId = randomUUID();
    try {
      const [conn] = await store.db.select({ id: connections.id }).from(connections).where(eq(connections.name, "demo"));
      const startedAt = new Date(Date.now() - 60_000);
      await store.db.insert(sessions).values({
        id: sessionId,
        connectionId: conn!.id,
        connectionName: "demo",
        userName: DEV,
        actorKind: "human",
        authMethod: "token",
        clientAddress: "127.0.0.1",
        applicationName: "e2e-lineage",
        isTls: true,
        protocolVersion: "3.0",
        gatewayInstance: "e2e",
        recordingMode: "strict",
        startedAt,
        endedAt: new Date(startedAt.getTime() + 5000),
        endReason: "client_terminated",
        statementCount: 1,
      });
      // As the gateway records a read whose first column is computed from a masked one (proxy/recording).
      await store.db.insert(statements).values({
        id: randomUUID(),
        sessionId,
        seq: 1,
        protocol: "simple",
        sql: "select reverse(email) as rev, name, opaque_fn(name) as o from customers order by id limit 2",
        kind: "read",
        command: "SelectStmt",
        relations: [{ schema: null, name: "customers", access: "read" }],
        status: "ok",
        receivedAt: new Date(startedAt.getTime() + 1000),
        finishedAt: new Date(startedAt.getTime() + 1010),
        gatewayMs: 0.4,
        durationMs: 2,
        commandTag: "SELECT 2",
        rowCount: 2,
        columns: [
          { name: "rev", typeOid: 25, tableOid: 0, columnNumber: 0, format: "text" },
          { name: "name", typeOid: 25, tableOid: 1, columnNumber: 2, format: "text" },
          { name: "o", typeOid: 25, tableOid: 0, columnNumber: 0, format: "text" },
        ],
        rows: [
          ["****", "Ada Lovelace", "****"],
          ["****", "Alan Turing", "****"],
        ],
        maskedColumns: [
          { index: 0, name: "rev", matchedBy: "lineage", sources: ["public.customers.email"], semanticTypes: ["email"], rule: "public.customers.email" },
          { index: 2, name: "o", matchedBy: "undetermined", reason: "function opaque_fn is not a builtin", semanticTypes: [], rule: null },
        ],
        resultRowCount: 2,
      });
    } finally {
      await store.close();
    }

    await signIn(page, AUDITOR, `/sessions/${sessionId}`);
    const detail = page.getByRole("region", { name: "Selected statement" });
    const table = detail.getByRole("table", { name: "Result rows" });
    const cells = table.locator("tbody tr").first().locator("td");
    await expect(cells).toHaveText(["****", "Ada Lovelace", "****"]);
    await expect(cells.nth(0)).toHaveAttribute("data-masked", "lineage");
    await expect(cells.nth(0)).toHaveAttribute("title", "Masked (email, transformed) · computed from public.customers.email");
    await expect(cells.nth(1)).not.toHaveAttribute("data-masked");
    await expect(cells.nth(2)).toHaveAttribute("title", "Masked · source unknown: function opaque_fn is not a builtin");
    await expect(table.getByRole("columnheader", { name: /^rev\b/ })).toContainText("masked: computed");
    await expect(table.getByRole("columnheader", { name: /^rev\b/ })).toHaveAccessibleName(/computed from public\.customers\.email/);
    await expect(table.getByRole("columnheader", { name: /^o\b/ })).toContainText("masked: source unknown");
    // Tooltips do not open on a phone: the sources are named under the table as well.
    const legend = detail.getByRole("list", { name: "Masked by lineage" });
    await expect(legend).toContainText("rev: Masked (email, transformed) · computed from public.customers.email");
    await expect(legend).toContainText("o: Masked · source unknown: function opaque_fn is not a builtin");
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(legend).toBeVisible();
    await shot(page, "player-lineage-390");
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, "player-lineage-1440");
  });

  test("through the real gateway: reverse(email) comes back masked, and the player names its source", async ({ page }) => {
    const store = openE2eStore();
    let token: string;
    try {
      ({ token } = await createToken(store.db, store.secretKey, "e2e", { userName: DEV, connectionName: "demo", groups: ["developer"], actorKind: "human", ttlMs: 3_600_000 }));
    } finally {
      await store.close();
    }
    const app = `e2e-lineage-${Date.now()}`;
    const client = new pg.Client({ host: "localhost", port: Number(process.env.E2E_GATEWAY_PORT), database: "demo", user: DEV, password: token, ssl: gatewayTls(), application_name: app });
    client.on("error", () => {});
    await client.connect();
    let rows: { rev: string; name: string }[];
    try {
      rows = (await client.query<{ rev: string; name: string }>("select reverse(email) as rev, name from customers order by id limit 2")).rows;
    } finally {
      await client.end();
    }
    // The demo policy masks email; a value computed from it gets email's mask for transformed values (full by default).
    expect(rows.map((r) => r.rev)).toEqual(["****", "****"]);

    await signIn(page, AUDITOR, `/sessions?user=${encodeURIComponent(DEV)}`);
    const sessionRow = page.getByRole("row").filter({ hasText: app });
    await expect(sessionRow).toHaveCount(1);
    await sessionRow.getByRole("link").first().click();
    const table = page.getByRole("region", { name: "Selected statement" }).getByRole("table", { name: "Result rows" });
    const cells = table.locator("tbody tr").first().locator("td");
    await expect(cells).toHaveText(["****", rows[0]!.name]);
    await expect(cells.nth(0)).toHaveAttribute("title", "Masked (email, transformed) · computed from public.customers.email");
    await expect(table.getByRole("columnheader", { name: /^rev\b/ })).toContainText("masked: computed");
  });

  test("the masking tab's Lineage section and a type's mask for transformed values save, and the preview follows", async ({ page }) => {
    await signIn(page, ADMIN, "/connections");
    await page.getByRole("link", { name: "demo", exact: true }).click();
    await page.getByRole("link", { name: "Policy", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Policy", exact: true })).toBeVisible();
    const connectionId = /\/connections\/([^/]+)\/policy/.exec(page.url())![1]!;
    const start = Number(/Version (\d+)/.exec((await page.getByText(/^Version \d+, saved by/).textContent()) ?? "")?.[1]);
    try {
      await page.getByRole("tab", { name: "Masking" }).click();
      const lineage = page.getByRole("group", { name: "Lineage options" });
      await expect(lineage.getByLabel("Copies of masked data")).toHaveValue("hold");
      await lineage.getByLabel("Copies of masked data").selectOption("block");
      await lineage.getByLabel("Filters on masked columns (inference)").selectOption("hold");
      const who = lineage.getByRole("group", { name: "For statements by" });
      await expect(who.getByLabel("AI agents")).toBeChecked();
      // A problem shows beside its field as it is made.
      await who.getByLabel("AI agents").uncheck();
      await expect(who).toContainText("Pick at least one kind of actor.");
      await who.getByLabel("AI agents").check();
      await who.getByLabel("People").check();
      await expect(who).not.toContainText("Pick at least one kind of actor.");
      await lineage.getByLabel("Review timeout (seconds)").fill("5");
      await expect(lineage).toContainText("Use 10 or more.");
      await lineage.getByLabel("Review timeout (seconds)").fill("600");
      await lineage.getByLabel("Reviewer groups").fill("reviewer, dba");

      const emailType = page.getByRole("article", { name: "Semantic type Email address" });
      await emailType.getByRole("button", { name: /Email address/ }).click();
      await emailType.getByLabel("Mask values computed from this type's columns differently").check();
      await emailType.getByRole("group", { name: "Transformed values" }).getByLabel("Algorithm").selectOption("hash");
      // Before saving: the draft traces reverse(email) to its new mask.
      const tryIt = page.getByRole("form", { name: "Result columns of a statement" });
      await tryIt.getByLabel("Statement", { exact: true }).fill("select reverse(email) as rev from customers");
      await tryIt.getByRole("button", { name: "Trace columns" }).click();
      await expect(page.getByRole("region", { name: "Column lineage" })).toContainText("email, transformed: keyed hash");
      await shot(page, "editor-lineage-section");

      await page.getByRole("button", { name: "Save…" }).click();
      const dialog = page.getByRole("dialog", { name: `Save as version ${start + 1}` });
      await dialog.getByLabel("Comment").fill("e2e: lineage options");
      await dialog.getByRole("button", { name: `Save version ${start + 1}` }).click();
      await expect(page.getByText(`Saved as version ${start + 1}.`)).toBeVisible();

      // Saved: a fresh load shows the options, and the document has them.
      await page.reload();
      await page.getByRole("tab", { name: "Masking" }).click();
      await expect(page.getByRole("group", { name: "Lineage options" }).getByLabel("Copies of masked data")).toHaveValue("block");
      const saved = await (await page.request.get(`/api/connections/${connectionId}/policy`)).json();
      expect(saved.document.masking.lineage).toEqual({ undetermined: "mask", copies: "block", inference: "hold", inferenceActorKinds: ["human", "agent"], reviewerGroups: ["reviewer", "dba"], timeoutSeconds: 600 });
      expect(saved.document.masking.semanticTypes).toContainEqual(expect.objectContaining({ id: "email", transformedMethod: { algorithm: "hash" } }));

      // The preview plans with the saved policy: reverse(email) is now hashed, and the copy blocked.
      await checkOnPreview(page, "select reverse(email) as rev from customers where email like 'a%'");
      await expect(page.getByRole("region", { name: "Column lineage" })).toContainText("email, transformed: keyed hash");
      await expect(page.getByRole("status").filter({ hasText: "Held for review by lineage: filters on masked columns" })).toContainText("filters on masked column customers.email (where)");
      await checkOnPreview(page, "create table e2e_copied as select reverse(email) as e from customers");
      await expect(page.getByRole("alert").filter({ hasText: "Blocked by lineage: copies masked data" })).toContainText("copies masked data from customers.email");
    } finally {
      const res = await page.request.post(`/api/connections/${connectionId}/policy/versions/${start}/restore`, { data: { reason: "e2e clean-up", confirmMatchAll: true } });
      expect([201, 409]).toContain(res.status());
    }
  });
});
