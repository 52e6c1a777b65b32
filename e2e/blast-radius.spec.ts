import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/sign-in";

/**
 * The policy editor's blast-radius limits: a new limit opens valid; a share out of range, or a limit
 * with neither a share nor a row count, is explained next to its field and blocks saving; a good one
 * saves as the next version.
 */

const ADMIN = "admin@example.com";

test.describe("blast-radius limits", () => {
  test("an admin adds a limit, sees each bad value explained at its field, and saves a good one", async ({ page }) => {
    await signIn(page, ADMIN, "/connections");
    await page.getByRole("link", { name: "demo", exact: true }).click();
    await page.getByRole("link", { name: "Policy", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Policy", exact: true })).toBeVisible();
    const current = Number(/Version (\d+)/.exec((await page.getByText(/^Version \d+, saved by/).textContent()) ?? "")?.[1]);
    const next = current + 1;

    const limits = page.getByRole("list", { name: "Blast-radius limits" });
    // The default policy's limit for humans is there.
    await expect(limits.getByRole("article", { name: /Writes that change much of a table need a reviewer/ })).toBeVisible();
    await page.getByRole("button", { name: "Add blast-radius limit" }).click();
    const rule = limits.getByRole("listitem").last();
    await rule.getByLabel("Name", { exact: true }).fill("Wide writes on payments");
    const share = rule.getByLabel("Share of a table (%)");
    await expect(share).toHaveValue("20");

    await share.fill("150");
    await expect(rule).toContainText("Give a share of the table from 0 to 1 (0.2 is 20%).");
    await expect(page.getByRole("button", { name: "Save…" })).toBeDisabled();

    await share.fill("");
    await rule.getByLabel("Most rows changed").fill("");
    await expect(rule).toContainText("Set a share of the table, a number of rows, or both.");

    await share.fill("5");
    await rule.getByLabel("Most rows changed").fill("500");
    await expect(rule).not.toContainText("Set a share of the table");
    await page.getByRole("button", { name: "Save…" }).click();
    const dialog = page.getByRole("dialog", { name: `Save as version ${next}` });
    await dialog.getByLabel("Comment").fill("Narrow limit for payments");
    await dialog.getByRole("button", { name: `Save version ${next}` }).click();
    await expect(page.getByText(`Saved as version ${next}.`)).toBeVisible();

    // The saved version is the one in force after a reload.
    await page.reload();
    await page.getByRole("tab", { name: "Rules" }).click();
    await expect(page.getByRole("list", { name: "Blast-radius limits" }).getByRole("article", { name: /Wide writes on payments/ })).toBeVisible();
  });
});
