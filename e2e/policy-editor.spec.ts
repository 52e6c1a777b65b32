import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/sign-in";

/**
 * The policy editor cannot hurt you: leaving with unsaved changes asks first (an in-app link and the
 * back button too); a new rule matches nothing until it has a condition, and a rule that matches
 * every statement is saved only when confirmed; any version can be restored as a new version and any
 * two compared; the masking preview brings the column just changed into view and warns when its
 * semantic type does not fit its data; masking changes read as sentences in the History.
 *
 * Each test leaves the demo connection's policy with the document it found (by restoring it), so
 * specs after this one see the policy they expect.
 */

const ADMIN = "admin@example.com";

/** Opens the demo connection's policy; returns the connection id and the version in force. */
async function openDemoPolicy(page: Page): Promise<{ connectionId: string; version: number }> {
  await signIn(page, ADMIN, "/connections");
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.getByRole("link", { name: "Policy", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Policy", exact: true })).toBeVisible();
  const connectionId = /\/connections\/([^/]+)\/policy/.exec(page.url())?.[1] ?? "";
  expect(connectionId).not.toBe("");
  const version = Number(/Version (\d+)/.exec((await page.getByText(/^Version \d+, saved by/).textContent()) ?? "")?.[1]);
  expect(version).toBeGreaterThan(0);
  return { connectionId, version };
}

/** Puts version `version`'s document back in force if a failed test left another one (a no-op restore answers 409). */
async function putBack(page: Page, connectionId: string, version: number) {
  const res = await page.request.post(`/api/connections/${connectionId}/policy/versions/${version}/restore`, { data: { reason: "e2e clean-up", confirmMatchAll: true } });
  expect([201, 409]).toContain(res.status());
}

test.describe("policy editor", () => {
  test("unsaved changes: an in-app link or Back asks first; cancelling stays, confirming leaves", async ({ page }) => {
    const { connectionId } = await openDemoPolicy(page);
    const policyUrl = page.url();

    await page.getByRole("button", { name: "Add guardrail" }).click();
    const rule = page.getByRole("list", { name: "Guardrails" }).getByRole("listitem").last();
    // A new rule matches nothing until it has a condition.
    await expect(rule).toContainText("No condition yet");
    await expect(rule).toContainText("Matches nothing until you set a condition");
    await expect(rule.getByLabel("Enabled", { exact: true })).not.toBeChecked();
    await expect(page.getByText("1 unsaved change")).toBeVisible();

    const leaveDialog = page.getByRole("dialog", { name: "Leave without saving?" });
    const backLink = page.getByRole("link", { name: "demo", exact: true });

    // A link: asked; Cancel stays on the page with the change.
    await backLink.click();
    await expect(leaveDialog).toBeVisible();
    await expect(leaveDialog).toContainText("1 change to the policy is not saved.");
    await leaveDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(leaveDialog).toBeHidden();
    expect(page.url()).toBe(policyUrl);
    await expect(page.getByText("1 unsaved change")).toBeVisible();

    // Back: asked too; Cancel stays, and the next Back is caught again.
    await page.evaluate(() => window.history.back());
    await expect(leaveDialog).toBeVisible();
    await leaveDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(leaveDialog).toBeHidden();
    await expect(page.getByRole("heading", { name: "Policy", exact: true })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe(`/connections/${connectionId}/policy`);
    await expect(rule).toContainText("No condition yet");

    // A link again: confirming leaves, without saving anything.
    await backLink.click();
    await expect(leaveDialog).toBeVisible();
    await leaveDialog.getByRole("button", { name: "Leave without saving" }).click();
    await expect(page).toHaveURL(new RegExp(`/connections/${connectionId}$`));
    await expect(page.getByRole("heading", { name: "demo", exact: true })).toBeVisible();

    // Nothing was saved: the editor opens clean, and a link leaves without asking.
    await page.getByRole("link", { name: "Policy", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Policy", exact: true })).toBeVisible();
    await expect(page.getByText(/unsaved change/)).toHaveCount(0);
    await expect(page.getByRole("list", { name: "Guardrails" })).not.toContainText("New guardrail");
    await backLink.click();
    await expect(page).toHaveURL(new RegExp(`/connections/${connectionId}$`));
    await expect(leaveDialog).toBeHidden();
  });

  test("a rule matching every statement needs confirmation; restoring the version before brings its document back as a new version; two versions compare", async ({ page }) => {
    const { connectionId, version: start } = await openDemoPolicy(page);
    try {
      await page.getByRole("button", { name: "Add guardrail" }).click();
      const rule = page.getByRole("list", { name: "Guardrails" }).getByRole("listitem").last();
      await rule.getByLabel("Name", { exact: true }).fill("E2E freeze");
      // The first condition switches the new rule on.
      await rule.getByLabel("TRUNCATE", { exact: true }).check();
      await expect(rule.getByLabel("Enabled", { exact: true })).toBeChecked();
      await expect(rule).toContainText("Every statement flagged TRUNCATE");
      await expect(rule).not.toContainText("Matches every statement");
      // Without a condition, switched on, it matches every statement: said next to the rule.
      await rule.getByLabel("TRUNCATE", { exact: true }).uncheck();
      await expect(rule).toContainText("Matches every statement");
      await expect(rule.getByRole("note")).toContainText("This rule matches every statement: it blocks every statement on this connection");

      await page.getByRole("button", { name: "Save…" }).click();
      const dialog = page.getByRole("dialog", { name: `Save as version ${start + 1}` });
      const confirmation = dialog.getByRole("region", { name: "Rules that match every statement" });
      await expect(confirmation).toContainText("Guardrail “E2E freeze”: This rule matches every statement:");
      await expect(confirmation).toContainText("Save anyway?");
      await dialog.getByLabel("Comment").fill("Freeze the demo for the e2e test");
      await dialog.getByRole("button", { name: `Save version ${start + 1}` }).click();
      await expect(confirmation).toContainText("Tick the box to save a rule that matches every statement");
      await expect(dialog).toBeVisible();
      await confirmation.getByLabel(/Save anyway: this rule is meant to match every statement/).check();
      await dialog.getByRole("button", { name: `Save version ${start + 1}` }).click();
      await expect(page.getByText(`Saved as version ${start + 1}.`)).toBeVisible();

      // History: restore the version before the freeze.
      await page.getByRole("tab", { name: "History" }).click();
      const versions = page.getByRole("list", { name: "Policy versions" });
      await expect(page.getByRole("region", { name: `Changes in version ${start + 1}` })).toContainText("Guardrail “E2E freeze”");
      await versions.getByRole("button", { name: new RegExp(`^Version ${start}(?!\\d)`) }).click();
      await page.getByRole("button", { name: "Restore as new version…" }).click();
      const restore = page.getByRole("dialog", { name: `Restore version ${start} as version ${start + 2}` });
      await restore.getByLabel("Reason (optional)").fill("the freeze was a test");
      await restore.getByRole("button", { name: `Restore version ${start}` }).click();
      await expect(page.getByText(`Restored version ${start} as version ${start + 2}.`)).toBeVisible();

      // A new version appears, says what it is, and has the old content.
      const restored = versions.getByRole("button", { name: new RegExp(`^Version ${start + 2}(?!\\d)`) });
      await expect(restored).toContainText(`Restored from version ${start}: the freeze was a test`);
      await expect(restored).toHaveAttribute("aria-current", "true");
      const changes = page.getByRole("region", { name: `Changes in version ${start + 2}` });
      await expect(changes).toContainText("Guardrail “E2E freeze”");
      await expect(changes).toContainText("Removed");

      // Any two versions compare: the restored one and the one it came from are the same document.
      await page.getByLabel("Compare with", { exact: true }).selectOption({ label: `Version ${start}` });
      await expect(changes).toContainText(`No change: versions ${start} and ${start + 2} have the same document.`);
      await page.getByLabel("Compare with", { exact: true }).selectOption({ label: `Version ${start + 1} (the one before)` });
      await expect(changes).toContainText("Guardrail “E2E freeze”");

      await page.getByRole("tab", { name: "Rules" }).click();
      await expect(page.getByRole("list", { name: "Guardrails" })).not.toContainText("E2E freeze");
      await expect(page.getByText(/unsaved change/)).toHaveCount(0);
    } finally {
      await putBack(page, connectionId, start);
    }
  });

  test("the masking preview brings the column just changed into view, warns when its type does not fit, and the History reads masking changes as sentences", async ({ page }) => {
    const { connectionId, version: start } = await openDemoPolicy(page);
    try {
      await page.getByRole("tab", { name: "Masking" }).click();
      await page.getByLabel("Filter tables and columns").fill("address");
      await page.getByRole("button", { name: "public.customers.address", exact: true }).click();
      const picker = page.getByRole("group", { name: "Masking of public.customers.address" });
      await picker.getByLabel("Semantic type", { exact: true }).selectOption("email");

      const sample = page.getByRole("table", { name: "Masked sample rows of public.customers" });
      const header = sample.locator("th[data-highlighted]");
      await expect(header).toHaveCount(1);
      await expect(header).toContainText("address");
      await expect(header).toBeInViewport();
      await expect(header.getByRole("note")).toHaveText(/None of the \d+ sample values looks like an email address\./);
      // Only the changed column is marked; columns that fit have no warning.
      await expect(sample.getByRole("columnheader", { name: /^email\b/ }).getByRole("note")).toHaveCount(0);

      await page.getByRole("checkbox", { name: "Phone numbers" }).uncheck();
      await page.getByRole("button", { name: "Save…" }).click();
      const dialog = page.getByRole("dialog", { name: `Save as version ${start + 1}` });
      await dialog.getByLabel("Comment").fill("e2e: address as email, phones found no more");
      await dialog.getByRole("button", { name: `Save version ${start + 1}` }).click();
      await expect(page.getByText(`Saved as version ${start + 1}.`)).toBeVisible();

      await page.getByRole("tab", { name: "History" }).click();
      const changes = page.getByRole("region", { name: `Changes in version ${start + 1}` });
      // "instead of postal address" when masking.spec.ts marked it as an address before.
      await expect(changes).toContainText(/Masked customers\.address as email address \(partial\)/);
      await expect(changes).toContainText("Turned the phone detector off");
      await expect(changes).not.toContainText("{");
    } finally {
      await putBack(page, connectionId, start);
    }
  });
});
