import { expect, test } from "@playwright/test";
import { collectApiBodies, signIn } from "./fixtures/sign-in";

test.describe("connection catalog (admin)", () => {
  test("create, test, browse and audit a connection; no response carries the password", async ({ page }) => {
    const bodies = collectApiBodies(page);
    const password = process.env.E2E_DEMO_ROLE_PASSWORD!;
    const demo = new URL(process.env.E2E_DEMO_DB_URL!);
    await signIn(page, "admin@example.com", "/connections");

    await expect(page.getByRole("heading", { name: "Connections" })).toBeVisible();
    await expect(page.getByRole("link", { name: "demo", exact: true })).toBeVisible();

    await page.getByRole("link", { name: "New connection" }).click();
    await page.getByLabel("Name").fill("Bad Name!");
    await page.getByRole("button", { name: "Create connection" }).click();
    await expect(page.getByText(/lowercase letters/)).toBeVisible();

    await page.getByLabel("Name").fill("shop-replica");
    await page.getByLabel("Host").fill("localhost");
    await page.getByLabel("Port").fill(demo.port);
    await page.getByLabel("Database").fill("demo");
    await page.getByLabel("User").fill("warden_demo");
    await page.getByLabel("Password").fill("not-the-password");
    // A new connection starts at require; anything short of verify-* carries a warning.
    await expect(page.getByLabel("SSL mode")).toHaveValue("require");
    await expect(page.getByText("The credential goes without verified TLS")).toBeVisible();
    await page.getByLabel("SSL mode").selectOption("disable");
    await expect(page.getByText(/No TLS: the sign-in runs in the clear/)).toBeVisible();
    await page.getByLabel("Allowed groups").fill("developer, reviewer");
    await page.getByLabel("Description").fill("Read replica of the shop");

    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByText(/password authentication failed/i)).toBeVisible();

    // Saving after a failed test asks first, quoting the failure; Cancel keeps the form.
    await page.getByRole("button", { name: "Create connection" }).click();
    const confirm = page.getByRole("dialog", { name: "Save without a passing test?" });
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText('The last test failed: Password authentication failed for user "warden_demo" (28P01). Save anyway?');
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(page).toHaveURL(/\/connections\/new$/);

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByText(/PostgreSQL 18/)).toBeVisible();

    // A passing test of the current values: saved without a question.
    await page.getByRole("button", { name: "Create connection" }).click();
    await expect(page).toHaveURL(/\/connections\/[0-9a-f-]{36}/);
    await expect(page.getByRole("heading", { name: "shop-replica" })).toBeVisible();
    await expect(page.getByText("Not tested since its settings were saved.")).toBeVisible();
    await expect(page.getByRole("link", { name: "0 open sessions, 0 in the last 24 hours" })).toBeVisible();

    // The saved connection tests with its stored password, and the result becomes its health.
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByText(/PostgreSQL 18/).first()).toBeVisible();
    await expect(page.getByTestId("connection-health-message")).toHaveText(/^PostgreSQL 18\S* · no TLS · \d+ ms$/);

    // An edit of the server settings without a new test asks too; the host is put back, so nothing changes.
    await page.getByLabel("Port").fill("1");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("dialog", { name: "Save without a passing test?" })).toContainText("These settings have not been tested. Save anyway?");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await page.getByLabel("Port").fill(demo.port);

    await page.getByRole("tab", { name: "Schema" }).or(page.getByRole("button", { name: "Schema" })).first().click();
    await expect(page.getByText("customers").first()).toBeVisible();
    await page.getByText("customers").first().click();
    await expect(page.getByText("card_number")).toBeVisible();

    await page.goto("/audit");
    const row = page.getByRole("row").filter({ hasText: "connection.create" }).filter({ hasText: "shop-replica" });
    await expect(row).toBeVisible();
    await expect(row).toContainText("admin@example.com");

    await page.goto("/connections");
    // The demo connection is verify-full (no warning); the new one goes without TLS.
    const replicaRow = page.getByRole("row").filter({ hasText: "shop-replica" });
    await expect(replicaRow.getByText("credential without TLS")).toBeVisible();
    // Its health (the test of the saved settings) and its sessions (none yet) show in the list.
    await expect(replicaRow.getByText("OK", { exact: true })).toBeVisible();
    await expect(replicaRow.getByRole("link", { name: "0 open sessions, 0 in the last 24 hours" })).toBeVisible();
    await expect(page.getByRole("row").filter({ has: page.getByRole("link", { name: "demo", exact: true }) }).getByTestId("credential-warning")).toHaveCount(0);
    expect(bodies.length).toBeGreaterThan(3);
    for (const body of bodies) {
      expect(body).not.toContain(password);
      expect(body).not.toMatch(/v1:[A-Za-z0-9+/]{20,}/);
      expect(body).not.toContain("passwordCiphertext");
    }
  });
});

test.describe("roles", () => {
  test("a developer is refused the admin pages and APIs", async ({ page }) => {
    await signIn(page, "dev@example.com");
    await expect(page.getByRole("link", { name: "Connections" })).toHaveCount(0);

    const res = await page.goto("/connections");
    expect(res?.status()).toBe(403);
    await expect(page.getByText("You don't have access to this page")).toBeVisible();

    const audit = await page.goto("/audit");
    expect(audit?.status()).toBe(403);

    const api = await page.request.get("/api/connections");
    expect(api.status()).toBe(403);
    expect(await api.json()).toEqual({ error: expect.stringContaining("admin") });
  });

  test("signed-out API calls get 401 JSON and pages send you to sign in", async ({ page }) => {
    const api = await page.request.get("/api/audit");
    expect(api.status()).toBe(401);
    await page.goto("/connections");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("sign-out ends the session at the console and at the IdP", async ({ page }) => {
    await signIn(page, "auditor@example.com");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await expect(page.getByLabel("Password")).toBeVisible();
  });
});
