import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { asc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, eventSinks } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { parseConfig } from "@/lib/shared/config";
import { runTool } from "@/proxy/testing/run-tool";
import { createTestStore } from "@/tests/test-database";
import { syncEnvironmentSinks } from "./environment-sinks";
import { sendTestEvent } from "./send-test-event";
import { decryptSinkSecret, encryptSinkSecret } from "./sink-secret";
import { startSignedReceiver, type SignedReceiver } from "./testing/signed-receiver";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SECRET = "receiver-shared-secret-0123456789";

describe("outbox administration: test event, environment sinks, warden outbox", () => {
  let db: Db;
  let url: string;
  let rx: SignedReceiver;
  const secretKey = randomBytes(32);
  beforeAll(async () => {
    url = await createTestStore();
    db = createDb(url, { max: 3 });
    rx = await startSignedReceiver(SECRET);
  });
  afterAll(async () => {
    await rx?.close();
    await db?.$client.end();
  });

  it("sendTestEvent delivers one signed, marked test event through a draft or a stored sink, and reports a failure with the receiver's status", async () => {
    const draft = await sendTestEvent({ kind: "webhook", url: rx.url, secret: SECRET, name: "draft" }, secretKey);
    expect(draft).toMatchObject({ isDelivered: true, status: 200 });
    expect(rx.problems).toEqual([]);
    expect(rx.events).toEqual([expect.objectContaining({ seq: 0, isTest: true, event: expect.objectContaining({ action: "warden.sink.test", targetName: "draft" }) })]);
    const id = randomUUID();
    const stored = await sendTestEvent({ id, kind: "webhook", url: rx.url, secretCiphertext: encryptSinkSecret(secretKey, SECRET, id) }, secretKey);
    expect(stored.isDelivered).toBe(true);
    expect(rx.duplicates).toEqual([0]);
    // A secret bound to another sink does not decrypt.
    const moved = await sendTestEvent({ id: randomUUID(), kind: "webhook", url: rx.url, secretCiphertext: encryptSinkSecret(secretKey, SECRET, id) }, secretKey);
    expect(moved).toMatchObject({ isDelivered: false, error: expect.stringMatching(/signing secret cannot be decrypted/) });
    rx.answer = () => ({ status: 418 });
    const refused = await sendTestEvent({ kind: "webhook", url: rx.url, secret: SECRET }, secretKey);
    expect(refused).toMatchObject({ isDelivered: false, status: 418, error: expect.stringContaining("HTTP 418") });
    rx.answer = () => ({ status: 200 });
    const wrongSecret = await sendTestEvent({ kind: "webhook", url: rx.url, secret: "another-secret-0000000" }, secretKey);
    expect(wrongSecret).toMatchObject({ isDelivered: false, status: 401 });
    rx.problems.length = 0;
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const nobody = await sendTestEvent({ kind: "webhook", url: `http://127.0.0.1:${closedPort}/x`, secret: SECRET }, secretKey);
    expect(nobody).toMatchObject({ isDelivered: false, error: expect.stringContaining("ECONNREFUSED") });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "warden-test-event-"));
    const file = await sendTestEvent({ kind: "file", filePath: path.join(dir, "e.jsonl"), maxFileBytes: 4096, maxFiles: 2 }, secretKey);
    expect(file.isDelivered).toBe(true);
    expect(JSON.parse(await fs.readFile(path.join(dir, "e.jsonl"), "utf8"))).toMatchObject({ seq: 0, isTest: true });
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("syncEnvironmentSinks creates, updates, disables and re-enables env sinks, audited, keeping the cursor", async () => {
    const env = { WARDEN_SINK_WEBHOOK_URL: rx.url, WARDEN_SINK_WEBHOOK_SECRET: SECRET, WARDEN_SINK_STDOUT: "1", WARDEN_SINK_EVENT_TYPES: "gateway.*" };
    expect(await syncEnvironmentSinks(db, parseConfig(env), secretKey)).toEqual({ created: ["env-webhook", "env-stdout"], updated: [], disabled: [], unchanged: [] });
    const [webhook] = await db.select().from(eventSinks).where(eq(eventSinks.name, "env-webhook"));
    expect(webhook).toMatchObject({ source: "environment", kind: "webhook", url: rx.url, eventTypes: ["gateway.*"], isEnabled: true, createdBy: "system:environment" });
    expect(decryptSinkSecret(secretKey, webhook.secretCiphertext!, webhook.id)).toBe(SECRET);
    expect(await syncEnvironmentSinks(db, parseConfig(env), secretKey)).toMatchObject({ created: [], updated: [], unchanged: ["env-webhook", "env-stdout"] });
    await db.update(eventSinks).set({ deliveredSeq: 2 }).where(eq(eventSinks.id, webhook.id));
    const changed = { ...env, WARDEN_SINK_WEBHOOK_SECRET: "a-new-secret-000000000", WARDEN_SINK_STDOUT: "" };
    expect(await syncEnvironmentSinks(db, parseConfig(changed), secretKey)).toMatchObject({ updated: ["env-webhook"], disabled: ["env-stdout"] });
    const [after] = await db.select().from(eventSinks).where(eq(eventSinks.name, "env-webhook"));
    expect(after).toMatchObject({ id: webhook.id, deliveredSeq: 2 });
    expect(decryptSinkSecret(secretKey, after.secretCiphertext!, after.id)).toBe("a-new-secret-000000000");
    expect(await syncEnvironmentSinks(db, parseConfig(env), secretKey)).toMatchObject({ updated: ["env-webhook", "env-stdout"] });
    const trail = await db.select().from(auditEvents).where(like(auditEvents.action, "event_sink.%")).orderBy(asc(auditEvents.seq));
    expect(trail.map((e) => [e.action, e.targetName, e.actor])).toEqual([
      ["event_sink.create", "env-webhook", "system:environment"],
      ["event_sink.create", "env-stdout", "system:environment"],
      ["event_sink.update", "env-webhook", "system:environment"],
      ["event_sink.disable", "env-stdout", "system:environment"],
      ["event_sink.update", "env-webhook", "system:environment"],
      ["event_sink.update", "env-stdout", "system:environment"],
    ]);
    expect(JSON.stringify(trail)).not.toContain(SECRET);
  });

  it("warden outbox status shows state, cursor and lag; retry revives a dead sink, audited", async () => {
    const warden = (...args: string[]) =>
      runTool(process.execPath, [path.join(root, "bin/warden.mjs"), "outbox", ...args], {
        env: { DATABASE_URL: url, WARDEN_SECRET_KEY: secretKey.toString("hex"), HOME: process.env.HOME ?? "/tmp" },
        timeoutMs: 60_000,
      });
    await db.update(eventSinks).set({ state: "dead", failedAttempts: 10, lastError: "The receiver answered HTTP 500." }).where(eq(eventSinks.name, "env-webhook"));
    const newest = (await db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(asc(auditEvents.seq))).at(-1)!.seq;
    const status = await warden("status");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`env-webhook (webhook, environment): dead, delivered up to #2, ${newest - 2} behind, 10/10 failed attempts`);
    expect(status.stdout).toContain("last error: The receiver answered HTTP 500.");
    const retry = await warden("retry", "env-webhook");
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain('"env-webhook" is back to delivery, from event #3.');
    const json = JSON.parse((await warden("status", "--json")).stdout);
    expect(json.sinks.find((s: { name: string }) => s.name === "env-webhook")).toMatchObject({ state: "active", failedAttempts: 0, deliveredSeq: 2 });
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.action, "event_sink.retry"));
    expect(event).toMatchObject({ targetName: "env-webhook", actor: expect.stringMatching(/^cli:/), details: { resumesAtSeq: 3 } });
    const again = await warden("retry", "env-webhook");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("is delivering: there is nothing to retry");
    const unknown = await warden("retry", "nope");
    expect(unknown.stderr).toContain('There is no event sink named "nope"');
  }, 120_000);
});
