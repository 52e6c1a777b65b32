import { expect, test } from "@playwright/test";
import { desc, sql } from "drizzle-orm";
import { auditEvents } from "@/drizzle/schema";
import { AUDIT_CHAIN_LOCK, chainAuditEvents } from "@/lib/audit/append-event";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { runRetention } from "@/lib/retention/run-retention";
import { signIn } from "./fixtures/sign-in";
import { openE2eStore } from "./fixtures/store";

test.describe("audit log: Verify chain", () => {
  test("verifies from the first event, then from retention's signed checkpoint, and says which range", async ({ page }) => {
    await signIn(page, "auditor@example.com", "/audit");
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByText(/Audit trail intact: \d+ events checked/)).toBeVisible();
    await expect(page.getByTestId("verified-range")).toContainText(/Verified events #1 to #\d+/);
    await expect(page.getByTestId("verified-range")).toContainText("from the first event.");

    // Two events a gateway stamped 200 days ago, then a retention pass that drops their day.
    const store = openE2eStore();
    try {
      await store.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
        const [head] = await tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
        const old = new Date(Date.now() - 200 * 86_400_000);
        await tx.insert(auditEvents).values(chainAuditEvents([0, 1].map((i) => ({ actor: "gateway", action: "e2e.old_event", targetType: "thing", targetId: String(i), occurredAt: old })), head));
      });
      const result = await runRetention(store.db, { secretKey: store.secretKey, retentionDays: 90 });
      expect(result.auditEvents.rows).toBeGreaterThanOrEqual(2);
      // The same check the page runs, here first, so a failure shows its problems.
      expect((await verifyAuditChain(store.db, { secretKey: store.secretKey })).problems).toEqual([]);
    } finally {
      await store.close();
    }

    await page.reload();
    // The log's rows are fetched by the client: once the drop's row shows, the page is live.
    await expect(page.getByRole("row").filter({ hasText: "retention.drop" }).first()).toBeVisible();
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByText(/Audit trail intact: \d+ events checked/)).toBeVisible();
    await expect(page.getByTestId("verified-range")).toContainText(/from signed checkpoint #\d+: events before .+ were dropped by retention\./);
  });

  test("a developer cannot run it", async ({ page }) => {
    await signIn(page, "dev@example.com");
    const res = await page.request.post("/api/audit/verify");
    expect(res.status()).toBe(403);
  });
});
