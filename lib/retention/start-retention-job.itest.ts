import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/drizzle/schema";
import { chainAuditEvents, EMPTY_CHAIN } from "@/lib/audit/append-event";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import type { RetentionResult } from "./run-retention";
import { startRetentionJob } from "./start-retention-job";

describe("startRetentionJob", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
    const old = new Date(Date.now() - 10 * 86_400_000);
    await db.insert(auditEvents).values(chainAuditEvents([{ actor: "a", action: "test.event", targetType: "thing", occurredAt: old }], EMPTY_CHAIN));
  });
  afterAll(() => db.$client.end());

  it("runs a pass at once, logs what it did, and then on its interval", async () => {
    const results: RetentionResult[] = [];
    const lines: string[] = [];
    const job = startRetentionJob({ db, secretKey: randomBytes(32), retentionDays: 5, intervalMs: 300, log: (l) => lines.push(l), onResult: (r) => results.push(r) });
    try {
      await expect.poll(() => results.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    } finally {
      job.stop();
    }
    expect(results[0].auditEvents.rows).toBe(1);
    expect(results[1].auditEvents.rows).toBe(0);
    expect(lines.some((l) => /dropped audit_events_p\d{8}: 1 audit event/.test(l))).toBe(true);
    // The second pass had nothing to do and said nothing.
    expect(lines.filter((l) => l.startsWith("Retention run")).length).toBe(1);
  });
});
