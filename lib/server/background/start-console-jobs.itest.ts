import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventSinks } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { createDb, type Db } from "@/lib/db/create-db";
import { eventually } from "@/proxy/testing/gateway-fixture";
import { createTestStore } from "@/tests/test-database";
import { startConsoleJobs } from "./start-console-jobs";

describe("startConsoleJobs (what instrumentation.ts runs in the console)", () => {
  let db: Db;
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    const url = await createTestStore();
    db = createDb(url, { max: 2 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "warden-jobs-"));
    Object.assign(process.env, { DATABASE_URL: url, WARDEN_SECRET_KEY: randomBytes(32).toString("hex"), WARDEN_SINK_FILE: path.join(dir, "events.jsonl") });
  });
  afterAll(async () => {
    process.env = saved;
    await db?.$client.end();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("syncs the environment's sinks and delivers, once per process", async () => {
    const jobs = await startConsoleJobs();
    expect(await startConsoleJobs()).toBe(jobs);
    const [sink] = await db.select().from(eventSinks).where(eq(eventSinks.name, "env-file"));
    expect(sink).toMatchObject({ source: "environment", kind: "file" });
    await db.transaction((tx) => appendAuditEvent(tx, { actor: "admin@example.com", action: "policy.update", targetType: "policy" }));
    const lines = await eventually(async () => {
      const text = await fs.readFile(path.join(dir, "events.jsonl"), "utf8").catch(() => "");
      return text.includes('"policy.update"') ? text.trim().split("\n") : undefined;
    });
    // The sync's own audit event (event_sink.create) is delivered too, first.
    expect(lines.map((l) => JSON.parse(l).event.action)).toEqual(["event_sink.create", "policy.update"]);
    await jobs.stop();
  });
});
