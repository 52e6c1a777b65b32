import { expect, test } from "@playwright/test";
import { formatDateTime, formatUtc } from "@/lib/shared/format-date-time";
import { signIn } from "./fixtures/sign-in";

test.describe("the 404 page keeps the console shell", () => {
  test("an unknown URL answers 404 inside the shell, with the navigation", async ({ page }) => {
    await signIn(page, "admin@example.com");
    for (const path of ["/no-such-page", "/connections/not-a-real-id/more"]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav.getByRole("link", { name: "Sessions" })).toBeVisible();
      await expect(page.getByTestId("current-user")).toHaveText("admin@example.com");
    }
    await page.getByRole("link", { name: "Back to the overview" }).click();
    await expect(page.getByRole("heading", { name: /^Welcome/ })).toBeVisible();
  });

  test("signed out, an unknown URL still asks to sign in first; an unknown API path is a JSON 404", async ({ page }) => {
    await page.goto("/no-such-page");
    await expect(page).toHaveURL(/\/sign-in/);
    const api = await page.request.get("/api/no-such-endpoint");
    expect(api.status()).toBe(404);
    expect(await api.json()).toEqual({ error: expect.any(String) });
  });
});

test.describe("dates", () => {
  // A zone an hour off UTC in December, so a UTC time shown as local would be caught.
  test.use({ timezoneId: "Europe/Berlin", locale: "en-GB" });

  test("an instant shows in the viewer's zone with the zone named, and UTC on hover", async ({ page }) => {
    await signIn(page, "admin@example.com", "/connections");
    await page.getByRole("link", { name: "demo", exact: true }).click();
    await page.getByRole("button", { name: "Test connection" }).click();
    const tested = page.getByText("last tested").locator("time");
    await expect(tested).toBeVisible();
    const iso = (await tested.getAttribute("datetime"))!;
    expect(Date.parse(iso)).toBeGreaterThan(Date.now() - 5 * 60_000);
    await expect(tested).toHaveText(formatDateTime(iso, { timeZone: "Europe/Berlin", locale: "en-GB" }));
    await expect(tested).toHaveText(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d:\d\d CES?T$/);
    await expect(tested).toHaveAttribute("title", formatUtc(iso));
    await expect(tested).toHaveAttribute("title", /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  });
});
