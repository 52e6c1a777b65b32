import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/sign-in";

/**
 * The console's /api/metrics as `next start` serves it: the Prometheus text format for a signed-in
 * admin; 401 without a session or with a bearer that is not WARDEN_METRICS_TOKEN; 403 for a
 * signed-in user who is not an admin. (The bearer's success path is covered against the route in
 * lib/server/metrics/console-metrics.itest.ts.)
 */
test.describe("GET /api/metrics", () => {
  test("is refused without a session (401) and with a wrong bearer (401)", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    try {
      const res = await anonymous.get("/api/metrics");
      expect(res.status()).toBe(401);
      expect((await res.json()).error).toMatch(/Sign in first/);
      const wrong = await anonymous.get("/api/metrics", { headers: { authorization: "Bearer not-the-metrics-token-0123456789" } });
      expect(wrong.status()).toBe(401);
    } finally {
      await anonymous.dispose();
    }
  });

  test("is refused to a signed-in developer (403)", async ({ page }) => {
    await signIn(page, "dev@example.com");
    const res = await page.request.get("/api/metrics");
    expect(res.status()).toBe(403);
    expect((await res.json()).error).toMatch(/admin role/);
  });

  test("serves the Prometheus text format to a signed-in admin, with the store's figures", async ({ page }) => {
    await signIn(page, "admin@example.com");
    const res = await page.request.get("/api/metrics");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^warden_store_up 1$/m);
    expect(text).toMatch(/^warden_approvals_pending \d+$/m);
    expect(text).toMatch(/^warden_audit_newest_seq \d+$/m);
    expect(text).toMatch(/^# TYPE warden_console_process_cpu_user_seconds_total counter$/m);
  });
});
