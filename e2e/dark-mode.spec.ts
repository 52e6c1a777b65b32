import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/sign-in";

/**
 * Dark mode follows the system setting (prefers-color-scheme), with no toggle: the palette is
 * redefined once in app/globals.css. With the browser in dark mode the page and its cards are dark
 * and the text light; in light mode they stay light with dark text.
 */

/** WCAG relative luminance (0 black … 1 white) of any CSS colour, converted to sRGB by the browser's own canvas. */
async function luminanceOf(page: Page, selector: string, property: "backgroundColor" | "color"): Promise<number> {
  return page.locator(selector).first().evaluate((element, prop) => {
    const color = getComputedStyle(element)[prop];
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d")!;
    context.fillStyle = color;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3)).map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }, property);
}

const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

const PAGES: { path: string; heading: string | RegExp }[] = [
  { path: "/", heading: /^Welcome/ },
  { path: "/sessions", heading: "Sessions" },
  { path: "/connections", heading: "Connections" },
  { path: "/audit", heading: "Audit log" },
];

test.describe("dark mode (system setting dark)", () => {
  test.use({ colorScheme: "dark" });

  test("every page has a dark background, dark cards and readable light text", async ({ page }) => {
    await signIn(page, "admin@example.com");
    for (const { path, heading } of PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
      const body = await luminanceOf(page, "body", "backgroundColor");
      expect(body, `${path}: body background`).toBeLessThan(0.2);
      const sidebar = await luminanceOf(page, "aside", "backgroundColor");
      expect(sidebar, `${path}: the navigation's surface`).toBeLessThan(0.2);
      const text = await luminanceOf(page, "h1", "color");
      expect(contrast(text, body), `${path}: heading against the page`).toBeGreaterThan(7);
      const navLink = await luminanceOf(page, 'nav[aria-label="Main"] a:not([aria-current])', "color");
      expect(contrast(navLink, sidebar), `${path}: navigation links`).toBeGreaterThan(4.5);
    }
  });

  test("the sign-in page is dark too", async ({ page }) => {
    await page.goto("/sign-in");
    await expect(page.getByRole("button", { name: "Sign in with SSO" })).toBeVisible();
    expect(await luminanceOf(page, "body", "backgroundColor")).toBeLessThan(0.2);
  });
});

test.describe("light mode (system setting light)", () => {
  test.use({ colorScheme: "light" });

  test("stays light with dark text", async ({ page }) => {
    await signIn(page, "admin@example.com");
    for (const { path, heading } of PAGES.slice(0, 2)) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
      const body = await luminanceOf(page, "body", "backgroundColor");
      expect(body, `${path}: body background`).toBeGreaterThan(0.8);
      expect(await luminanceOf(page, "aside", "backgroundColor")).toBeGreaterThan(0.8);
      expect(contrast(await luminanceOf(page, "h1", "color"), body)).toBeGreaterThan(7);
    }
  });
});
