import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, eventSinks } from "@/drizzle/schema";
import { appendAuditEvents } from "@/lib/audit/append-event";
import { createDb, type Db } from "@/lib/db/create-db";
import { decryptSinkSecret, encryptSinkSecret } from "@/lib/outbox/sink-secret";
import { createTestStore } from "@/tests/test-database";
import { createSink } from "./create-sink";
import { deleteSink } from "./delete-sink";
import { getSink, listSinks } from "./list-sinks";
import { retryEventSink } from "./retry-sink";
import { setSinkEnabled } from "./set-sink-enabled";
import { testSink } from "./test-sink";
import { updateSink } from "./update-sink";

const ADMIN = "admin@example.com";
const SECRET = `sink-secret-${randomBytes(8).toString("hex")}`;

describe("event sink services (real PostgreSQL)", () => {
  const key = randomBytes(32);
  let db: Db;

  beforeAll(async () => {
    db = createDb(await createTestStore());
    // A trail to be behind: five events before any sink exists.
    await db.transaction((tx) => appendAuditEvents(tx, Array.from({ length: 5 }, (_, i) => ({ actor: ADMIN, action: "test.event", targetType: "thing", targetId: String(i) }))));
  });
  afterAll(() => db.$client.end());

  const webhook = (over: Record<string, unknown> = {}) => ({
    kind: "webhook" as const,
    name: `siem-${randomBytes(3).toString("hex")}`,
    url: "https://siem.example.com/warden",
    secret: SECRET,
    eventTypes: ["approval.*", "gateway.statement"],
    maxAttempts: 3,
    ...over,
  });
  const rowOf = async (id: string) => (await db.select().from(eventSinks).where(eq(eventSinks.id, id)))[0];
  const eventsFor = (id: string) => db.select().from(auditEvents).where(eq(auditEvents.targetId, id)).orderBy(asc(auditEvents.seq));
  /** Neither the secret nor its ciphertext anywhere in what leaves the server or enters the trail. */
  const expectNoSecret = (value: unknown, ciphertext: string | null) => {
    const text = JSON.stringify(value);
    expect(text).not.toContain(SECRET);
    if (ciphertext) expect(text).not.toContain(ciphertext);
    expect(text).not.toContain("secretCiphertext");
  };

  it("creates a webhook sink with its secret encrypted under its id, hidden from the DTO, audited without it", async () => {
    const input = webhook();
    const dto = await createSink(db, key, ADMIN, input);
    expect(dto).toMatchObject({ name: input.name, kind: "webhook", source: "console", hasSecret: true, eventTypes: ["approval.*", "gateway.statement"], maxAttempts: 3, state: "active", deliveredSeq: 0 });
    expect(dto.lag).toBe(6); // the five events before it and its own creation
    const row = await rowOf(dto.id);
    expect(row.secretCiphertext).toBeTruthy();
    expect(row.secretCiphertext).not.toContain(SECRET);
    expect(decryptSinkSecret(key, row.secretCiphertext!, dto.id)).toBe(SECRET);
    expectNoSecret(dto, row.secretCiphertext);
    expectNoSecret(await listSinks(db), row.secretCiphertext);

    const [event] = await eventsFor(dto.id);
    expect(event).toMatchObject({ actor: ADMIN, action: "event_sink.create", targetType: "event_sink", targetName: input.name, after: expect.objectContaining({ hasSecret: true, url: input.url }) });
    expectNoSecret(event, row.secretCiphertext);
  });

  it("starts a sink 'now' at the newest event, so its own creation is the first it sends", async () => {
    const dto = await createSink(db, key, ADMIN, webhook({ startAt: "now" }));
    const [event] = await eventsFor(dto.id);
    expect(dto.deliveredSeq).toBe(event.seq - 1);
    expect(dto.lag).toBe(1);
  });

  it("refuses a duplicate name and a bad webhook URL with field errors", async () => {
    const input = webhook();
    await createSink(db, key, ADMIN, input);
    await expect(createSink(db, key, ADMIN, input)).rejects.toMatchObject({ status: 409, fieldErrors: { name: expect.any(String) } });
    await expect(createSink(db, key, ADMIN, webhook({ url: "http://siem.example.com/" }))).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["url"] })] });
  });

  it("keeps the stored secret on update when none is given, replaces it when one is, and audits before/after without it", async () => {
    const created = await createSink(db, key, ADMIN, webhook());
    const before = await rowOf(created.id);
    const { secret: _, ...withoutSecret } = webhook({ name: created.name, url: "https://siem.example.com/v2", eventTypes: ["auth.*"] });
    const updated = await updateSink(db, key, ADMIN, created.id, withoutSecret);
    expect(updated).toMatchObject({ url: "https://siem.example.com/v2", eventTypes: ["auth.*"], hasSecret: true });
    expect((await rowOf(created.id)).secretCiphertext).toBe(before.secretCiphertext);

    const replaced = `replacement-${SECRET}`;
    await updateSink(db, key, ADMIN, created.id, { ...withoutSecret, secret: replaced });
    const after = await rowOf(created.id);
    expect(after.secretCiphertext).not.toBe(before.secretCiphertext);
    expect(decryptSinkSecret(key, after.secretCiphertext!, created.id)).toBe(replaced);

    const events = await eventsFor(created.id);
    expect(events.map((e) => [e.action, (e.details as { secretChanged?: boolean } | null)?.secretChanged])).toEqual([
      ["event_sink.create", undefined],
      ["event_sink.update", false],
      ["event_sink.update", true],
    ]);
    expect(events[1].details).toMatchObject({ changed: ["url", "eventTypes"] });
    expect(events[1].before).toMatchObject({ url: "https://siem.example.com/warden", hasSecret: true });
    expect(events[1].after).toMatchObject({ url: "https://siem.example.com/v2", hasSecret: true });
    for (const e of events) {
      expectNoSecret(e, before.secretCiphertext);
      expectNoSecret(e, after.secretCiphertext);
      expect(JSON.stringify(e)).not.toContain(replaced);
    }
  });

  it("refuses to change a sink's kind", async () => {
    const created = await createSink(db, key, ADMIN, webhook());
    await expect(updateSink(db, key, ADMIN, created.id, { kind: "stdout", name: created.name })).rejects.toMatchObject({ status: 400, fieldErrors: { kind: expect.any(String) } });
  });

  it("records switching on and off as event_sink.enable / .disable, from the form or the switch", async () => {
    const created = await createSink(db, key, ADMIN, { kind: "stdout", name: `out-${randomBytes(3).toString("hex")}` });
    expect((await setSinkEnabled(db, ADMIN, created.id, false)).isEnabled).toBe(false);
    await updateSink(db, key, ADMIN, created.id, { kind: "stdout", name: created.name, isEnabled: true });
    const actions = (await eventsFor(created.id)).map((e) => e.action);
    expect(actions).toEqual(["event_sink.create", "event_sink.disable", "event_sink.enable"]);
  });

  it("creates a file sink and deletes it, audited", async () => {
    const created = await createSink(db, key, ADMIN, { kind: "file", name: `jsonl-${randomBytes(3).toString("hex")}`, filePath: "/var/log/warden/events.jsonl", maxFileBytes: 2048, maxFiles: 2 });
    expect(created).toMatchObject({ kind: "file", filePath: "/var/log/warden/events.jsonl", maxFileBytes: 2048, maxFiles: 2, hasSecret: false, url: null });
    await deleteSink(db, ADMIN, created.id);
    expect(await getSink(db, created.id)).toBeUndefined();
    const events = await eventsFor(created.id);
    expect(events.map((e) => e.action)).toEqual(["event_sink.create", "event_sink.delete"]);
    expect(events[1].before).toMatchObject({ filePath: "/var/log/warden/events.jsonl" });
    await expect(deleteSink(db, ADMIN, created.id)).rejects.toMatchObject({ status: 404 });
    await expect(deleteSink(db, ADMIN, "not-a-uuid")).rejects.toMatchObject({ status: 404 });
  });

  it("lists environment sinks read-only: edit, switch and delete are refused and nothing is audited", async () => {
    const [env] = await db
      .insert(eventSinks)
      .values({ name: `env-${randomBytes(3).toString("hex")}`, kind: "stdout", source: "environment", createdBy: "environment" })
      .returning();
    expect((await listSinks(db)).find((s) => s.id === env.id)).toMatchObject({ source: "environment", kind: "stdout" });
    await expect(updateSink(db, key, ADMIN, env.id, { kind: "stdout", name: env.name, isEnabled: false })).rejects.toMatchObject({ status: 409, message: expect.stringContaining("WARDEN_SINK_") });
    await expect(setSinkEnabled(db, ADMIN, env.id, false)).rejects.toMatchObject({ status: 409 });
    await expect(deleteSink(db, ADMIN, env.id)).rejects.toMatchObject({ status: 409 });
    expect(await rowOf(env.id)).toMatchObject({ isEnabled: true });
    expect(await eventsFor(env.id)).toEqual([]);
  });

  it("retries a dead sink: back to active at once, the cursor kept, audited; an active sink has nothing to retry", async () => {
    const created = await createSink(db, key, ADMIN, webhook());
    await db
      .update(eventSinks)
      .set({ state: "dead", failedAttempts: 3, lastError: "connect ECONNREFUSED 127.0.0.1:9", deliveredSeq: 4, nextAttemptAt: null })
      .where(eq(eventSinks.id, created.id));
    const retried = await retryEventSink(db, ADMIN, created.id);
    expect(retried).toMatchObject({ state: "active", failedAttempts: 0, deliveredSeq: 4 });
    const events = await eventsFor(created.id);
    expect(events.at(-1)).toMatchObject({ action: "event_sink.retry", actor: ADMIN, before: expect.objectContaining({ state: "dead", failedAttempts: 3 }), after: expect.objectContaining({ state: "active" }) });
    await expect(retryEventSink(db, ADMIN, created.id)).rejects.toMatchObject({ status: 409 });
  });

  it("retries an environment sink too (an operational step, not a settings change)", async () => {
    const [env] = await db
      .insert(eventSinks)
      .values({ name: `env-${randomBytes(3).toString("hex")}`, kind: "stdout", source: "environment", createdBy: "environment", state: "dead", failedAttempts: 10, lastError: "EPIPE" })
      .returning();
    expect(await retryEventSink(db, ADMIN, env.id)).toMatchObject({ state: "active", source: "environment" });
    expect((await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, env.id), like(auditEvents.action, "event_sink.%")))).map((e) => e.action)).toEqual(["event_sink.retry"]);
  });

  it("tests an environment sink exactly as declared: its stored secret signs only for its own URL", async () => {
    const paths: string[] = [];
    const receiver = http.createServer((req, res) => {
      paths.push(req.url ?? "");
      req.resume().on("end", () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const id = randomUUID();
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/declared`;
      await db.insert(eventSinks).values({ id, name: `env-${randomBytes(3).toString("hex")}`, kind: "webhook", source: "environment", url, secretCiphertext: encryptSinkSecret(key, SECRET, id), createdBy: "environment" });
      const result = await testSink(db, key, ADMIN, { id, kind: "webhook", url: "http://127.0.0.1:9/elsewhere" });
      expect(result).toMatchObject({ isDelivered: true, status: 200 });
      expect(paths).toEqual(["/declared"]);
      const [event] = await eventsFor(id);
      expect(event).toMatchObject({ action: "event_sink.test", actor: ADMIN, details: expect.objectContaining({ isDraft: false, destination: url, secretUsed: "stored", isDelivered: true }) });
      expectNoSecret(event, null);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
