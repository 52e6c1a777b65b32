import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/drizzle/schema";
import { chainAuditEvents, EMPTY_CHAIN } from "@/lib/audit/append-event";
import { createDb, type Db } from "@/lib/db/create-db";
import { runTool } from "@/proxy/testing/run-tool";
import { createTestStore } from "@/tests/test-database";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DAY = 86_400_000;

describe("warden retention / verify", () => {
  let db: Db;
  let url: string;
  const secretKey = randomBytes(32);
  beforeAll(async () => {
    url = await createTestStore();
    db = createDb(url);
    const times = [120, 120, 119, 1, 0].map((d) => new Date(Date.now() - d * DAY));
    await db.insert(auditEvents).values(chainAuditEvents(times.map((occurredAt, i) => ({ actor: "a", action: "test.event", targetType: "thing", targetId: String(i), occurredAt })), EMPTY_CHAIN));
  });
  afterAll(() => db.$client.end());

  const warden = (...args: string[]) =>
    runTool(process.execPath, [path.join(root, "bin/warden.mjs"), ...args], {
      env: { DATABASE_URL: url, WARDEN_SECRET_KEY: secretKey.toString("hex"), HOME: process.env.HOME ?? "/tmp" },
      timeoutMs: 60_000,
    });

  it("a dry run prints what it would drop; a run drops it; verify prints the range from the checkpoint", async () => {
    const dry = await warden("retention", "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^Retention dry run: keeping 90 days/);
    expect(dry.stdout).toMatch(/would drop audit_events_p\d{8}: 2 audit events/);
    expect(dry.stdout).toContain("#1-#3 would be covered by a new signed checkpoint");
    expect(await db.$count(auditEvents)).toBe(5);

    const run = await warden("retention", "--json");
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ isDryRun: false, auditEvents: { rows: 3, checkpointId: expect.any(Number) }, auditSeq: 6 });

    const verified = await warden("verify");
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain("Audit trail intact: 3 events, last #6");
    expect(verified.stdout).toMatch(/Checked events #4 to #6 \(.+\), from signed checkpoint #\d+, events before .+ dropped by retention\./);
  }, 120_000);

  it("verify with another key says the checkpoint does not verify, and exits 1", async () => {
    const other = await runTool(process.execPath, [path.join(root, "bin/warden.mjs"), "verify"], {
      env: { DATABASE_URL: url, WARDEN_SECRET_KEY: randomBytes(32).toString("hex"), HOME: process.env.HOME ?? "/tmp" },
      timeoutMs: 60_000,
    });
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/#4: checkpoint: checkpoint #\d+, where the kept trail starts, its signature does not verify/);
  }, 60_000);

  it("refuses WARDEN_RETENTION_DAYS=0", async () => {
    const zero = await runTool(process.execPath, [path.join(root, "bin/warden.mjs"), "retention"], {
      env: { DATABASE_URL: url, WARDEN_SECRET_KEY: secretKey.toString("hex"), WARDEN_RETENTION_DAYS: "0", HOME: process.env.HOME ?? "/tmp" },
      timeoutMs: 60_000,
    });
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toContain("WARDEN_RETENTION_DAYS must be at least 1");
  }, 60_000);
});
