import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, eventSinks, unchainedAuditEvents, type EventSink } from "@/drizzle/schema";
import { appendAuditEvents, type NewAuditEvent } from "@/lib/audit/append-event";
import { createDb, type Db } from "@/lib/db/create-db";
import { eventually, startGatewayFixture, type GatewayFixture } from "@/proxy/testing/gateway-fixture";
import { createTestStore } from "@/tests/test-database";
import { toChainedFields, type OutboxEvent } from "./event-envelope";
import { OutboxRunner } from "./outbox-runner";
import { retrySink } from "./reset-sink";
import { encryptSinkSecret } from "./sink-secret";
import { startSignedReceiver, type SignedReceiver } from "./testing/signed-receiver";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SECRET = "receiver-shared-secret-0123456789";
const FAST_BACKOFF = { baseMs: 100, capMs: 400, jitter: 0 };

async function appendEvents(db: Db, events: NewAuditEvent[]) {
  await db.transaction((tx) => appendAuditEvents(tx, events));
}

function testEvents(n: number, action = "test.event", from = 0): NewAuditEvent[] {
  return Array.from({ length: n }, (_, i) => ({ actor: "admin@example.com", action, targetType: "thing", targetId: String(from + i), details: { n: from + i } }));
}

async function createSink(db: Db, secretKey: Buffer, fields: Partial<EventSink> & Pick<EventSink, "kind">, secret = SECRET): Promise<EventSink> {
  const id = randomUUID();
  const [row] = await db
    .insert(eventSinks)
    .values({ name: `sink-${id.slice(0, 8)}`, createdBy: "test", ...fields, id, secretCiphertext: fields.kind === "webhook" ? encryptSinkSecret(secretKey, secret, id) : null })
    .returning();
  return row;
}

async function readSink(db: Db, id: string): Promise<EventSink> {
  const [row] = await db.select().from(eventSinks).where(eq(eventSinks.id, id));
  return row;
}

/** The sink once its cursor reached `seq`: it moves after the receiver confirmed a batch, a moment after the last event arrived. */
async function sinkAt(db: Db, id: string, seq: number): Promise<EventSink> {
  return eventually(async () => {
    const s = await readSink(db, id);
    return s.deliveredSeq === seq ? s : undefined;
  });
}

async function storedEvents(db: Db): Promise<OutboxEvent["event"][]> {
  return (await db.select().from(auditEvents).orderBy(asc(auditEvents.seq))).map(toChainedFields);
}

function seqRange(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("outbox delivery to a real webhook receiver, with a real gateway", () => {
  let fx: GatewayFixture;
  let runner: OutboxRunner | undefined;
  const receivers: SignedReceiver[] = [];
  const receiver = async () => {
    const r = await startSignedReceiver(SECRET);
    receivers.push(r);
    return r;
  };
  beforeAll(async () => {
    fx = await startGatewayFixture();
  }, 60_000);
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await fx.db.delete(eventSinks);
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await fx?.close();
  });

  it("(a) delivers console events and a gateway session's events in order, exactly once after dedup, each signed and chained", async () => {
    const rx = await receiver();
    const sink = await createSink(fx.db, fx.secretKey, { kind: "webhook", url: rx.url });
    runner = new OutboxRunner(fx.db, { secretKey: fx.secretKey, pollMs: 100 });
    runner.start();
    await appendEvents(fx.db, testEvents(3, "connection.update"));
    const c = await fx.connect({ application_name: "outbox-test" });
    await c.query("create table widgets (n int)");
    await c.query("insert into widgets values (1), (2)");
    await c.query("select * from widgets");
    // A statement that does not parse is blocked (fail closed): its event carries that decision.
    await expect(c.query("selec 1")).rejects.toMatchObject({ code: "42601" });
    await c.end();
    await appendEvents(fx.db, testEvents(2, "policy.update"));
    // Wait for the session's end to be chained, then for everything chained to arrive.
    const stored = await eventually(async () => {
      const all = await storedEvents(fx.db);
      const waiting = await fx.db.$count(unchainedAuditEvents);
      return waiting === 0 && all.some((e) => e.action === "gateway.session.end") && all.some((e) => e.action === "policy.update") ? all : undefined;
    });
    await eventually(async () => rx.events.length >= stored.length || undefined);
    expect(rx.problems).toEqual([]);
    expect(rx.seqs()).toEqual(seqRange(1, stored.length));
    expect(rx.events.map((e) => e.event)).toEqual(stored);
    const actions = rx.events.map((e) => e.event.action);
    expect(actions).toEqual(expect.arrayContaining(["connection.update", "gateway.session.start", "gateway.statement", "gateway.session.end", "policy.update"]));
    const statements = rx.events.filter((e) => e.event.action === "gateway.statement");
    expect(statements.map((e) => (e.event.details as { sql: string }).sql)).toEqual(expect.arrayContaining(["create table widgets (n int)", "insert into widgets values (1), (2)", "select * from widgets"]));
    expect(statements.map((e) => [(e.event.details as { sql: string }).sql, (e.event.details as { decision: string }).decision, e.ocsf.class_uid, e.ocsf.disposition_id])).toEqual(
      expect.arrayContaining([
        ["select * from widgets", "forward", 6005, 1],
        ["selec 1", "block", 6005, 2],
      ]),
    );
    expect(await sinkAt(fx.db, sink.id, stored.length)).toMatchObject({ deliveredSeq: stored.length, state: "active", failedAttempts: 0, lastError: null });
  }, 60_000);

  it("(e) a hung receiver delays neither another sink nor the gateway's statements", async () => {
    const hung = await receiver();
    hung.answer = () => "hang";
    const ok = await receiver();
    const start = (await storedEvents(fx.db)).length;
    await createSink(fx.db, fx.secretKey, { kind: "webhook", url: hung.url, deliveredSeq: start });
    await createSink(fx.db, fx.secretKey, { kind: "webhook", url: ok.url, deliveredSeq: start });
    runner = new OutboxRunner(fx.db, { secretKey: fx.secretKey, pollMs: 100 });
    runner.start();
    await appendEvents(fx.db, testEvents(5));
    await eventually(async () => hung.requests >= 1 || undefined);
    // The hung sink's request is open (its timeout is 10 s); the other sink delivers meanwhile.
    const c = await fx.connect({ application_name: "outbox-hung" });
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await c.query("select $1::int as n", [i]);
      latencies.push(performance.now() - t);
    }
    await c.end();
    const t0 = Date.now();
    await eventually(async () => ok.events.some((e) => e.event.action === "gateway.session.end") || undefined, 5_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(hung.events).toEqual([]);
    expect(hung.requests).toBe(1);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    expect(ok.problems).toEqual([]);
    expect(ok.seqs()[0]).toBe(start + 1);
  }, 60_000);
});

describe("outbox delivery: failures, dead letter, filter, file sink", () => {
  let db: Db;
  let url: string;
  const secretKey = randomBytes(32);
  let runner: OutboxRunner | undefined;
  const receivers: SignedReceiver[] = [];
  beforeAll(async () => {
    url = await createTestStore();
    db = createDb(url, { max: 5 });
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await db.delete(eventSinks);
  });
  afterAll(async () => {
    for (const r of receivers) await r.close();
    await db?.$client.end();
  });
  const receiver = async (checkChainLinks = true) => {
    const r = await startSignedReceiver(SECRET, { checkChainLinks });
    receivers.push(r);
    return r;
  };
  const newestSeq = async () => (await db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(asc(auditEvents.seq))).at(-1)?.seq ?? 0;

  it("(b) a receiver that answers 500 for a while: retries back off, then everything arrives, nothing lost", async () => {
    const rx = await receiver();
    let isDown = true;
    rx.answer = () => (isDown ? { status: 500 } : { status: 200 });
    const from = await newestSeq();
    const sink = await createSink(db, secretKey, { kind: "webhook", url: rx.url, deliveredSeq: from, maxAttempts: 50 });
    runner = new OutboxRunner(db, { secretKey, pollMs: 50, backoff: FAST_BACKOFF });
    runner.start();
    await appendEvents(db, testEvents(30));
    const failing = await eventually(async () => {
      const s = await readSink(db, sink.id);
      return s.failedAttempts >= 3 ? s : undefined;
    });
    expect(failing).toMatchObject({ state: "retrying", deliveredSeq: from, lastError: expect.stringContaining("HTTP 500") });
    expect(failing.nextAttemptAt).not.toBeNull();
    // Backoff: 100, 200, 400 ms… so three failures take at least 300 ms, not three polls.
    const requestsWhileDown = rx.requests;
    await appendEvents(db, testEvents(10, "test.event", 30));
    isDown = false;
    await eventually(async () => rx.events.length === 40 || undefined);
    expect(rx.problems).toEqual([]);
    expect(rx.seqs()).toEqual(seqRange(from + 1, from + 40));
    expect(requestsWhileDown).toBeLessThan(20);
    expect(await sinkAt(db, sink.id, from + 40)).toMatchObject({ state: "active", failedAttempts: 0, lastError: null, deliveredSeq: from + 40 });
  }, 30_000);

  it("(c) max_attempts failures make the sink dead (it stops); retrySink resumes from the same event, nothing lost", async () => {
    const rx = await receiver();
    let isDown = true;
    rx.answer = () => (isDown ? { status: 503 } : { status: 200 });
    const from = await newestSeq();
    const sink = await createSink(db, secretKey, { kind: "webhook", url: rx.url, deliveredSeq: from, maxAttempts: 3 });
    runner = new OutboxRunner(db, { secretKey, pollMs: 50, backoff: FAST_BACKOFF });
    runner.start();
    await appendEvents(db, testEvents(12));
    const dead = await eventually(async () => {
      const s = await readSink(db, sink.id);
      return s.state === "dead" ? s : undefined;
    });
    expect(dead).toMatchObject({ failedAttempts: 3, deliveredSeq: from, nextAttemptAt: null, lastError: expect.stringContaining("HTTP 503") });
    const requests = rx.requests;
    await new Promise((r) => setTimeout(r, 800));
    expect(rx.requests).toBe(requests);
    expect(requests).toBe(3);
    isDown = false;
    await retrySink(db, sink.id);
    await eventually(async () => rx.events.length === 12 || undefined);
    expect(rx.problems).toEqual([]);
    expect(rx.seqs()).toEqual(seqRange(from + 1, from + 12));
    expect(await sinkAt(db, sink.id, from + 12)).toMatchObject({ state: "active", failedAttempts: 0, deliveredSeq: from + 12 });
  }, 30_000);

  it("(d) the deliverer process killed mid-delivery: the next one resumes, nothing lost, duplicates only of the batch in flight, never two deliverers at once", async () => {
    const rx = await receiver();
    const from = await newestSeq();
    await appendEvents(db, testEvents(3000));
    // Slow enough that a kill lands while a batch is in flight.
    let kill: (() => void) | undefined;
    rx.answer = () => ({ status: 200, delayMs: 300 });
    const inFlightAtKill: number[] = [];
    rx.onRequest = (batch, request) => {
      if (request === 2 && kill) {
        inFlightAtKill.push(...batch.events.map((e) => e.seq));
        kill();
      }
    };
    const sink = await createSink(db, secretKey, { kind: "webhook", url: rx.url, deliveredSeq: from });
    const first = spawnDeliverer(url, secretKey);
    kill = () => process.kill(-first.pid!, "SIGKILL");
    await eventually(async () => first.exitCode !== null || first.signalCode !== null || undefined, 60_000);
    expect(first.signalCode).toBe("SIGKILL");
    // The killed process's batch 2 reached the receiver, but its cursor never moved past batch 1.
    expect(inFlightAtKill).toEqual(seqRange(from + 501, from + 1000));
    await new Promise((r) => setTimeout(r, 400));
    expect((await readSink(db, sink.id)).deliveredSeq).toBe(from + 500);
    // Another process takes over; once it is delivering, a second deliverer (this process) starts
    // too: they must take turns, never two requests in flight at once.
    rx.onRequest = undefined;
    const requestsAtKill = rx.requests;
    const second = spawnDeliverer(url, secretKey);
    runner = new OutboxRunner(db, { secretKey, pollMs: 50 });
    try {
      await eventually(async () => rx.requests > requestsAtKill || undefined, 60_000);
      runner.start();
      await eventually(async () => rx.events.length === 3000 || undefined, 60_000);
      await eventually(async () => (await readSink(db, sink.id)).deliveredSeq === from + 3000 || undefined);
    } finally {
      process.kill(-second.pid!, "SIGTERM");
    }
    expect(rx.problems).toEqual([]);
    expect(rx.seqs()).toEqual(seqRange(from + 1, from + 3000));
    expect(rx.duplicates).toEqual(inFlightAtKill);
    expect(rx.maxInFlight).toBe(1);
  }, 120_000);

  it("(f) a file sink rotates by size and keeps order across files", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "warden-outbox-"));
    const file = path.join(dir, "events.jsonl");
    const from = await newestSeq();
    const sink = await createSink(db, secretKey, { kind: "file", filePath: file, maxFileBytes: 8192, maxFiles: 100, deliveredSeq: from });
    runner = new OutboxRunner(db, { secretKey, pollMs: 50, batchSize: 40 });
    runner.start();
    await appendEvents(db, testEvents(150));
    await eventually(async () => (await readSink(db, sink.id)).deliveredSeq === from + 150 || undefined);
    const names = (await fs.readdir(dir)).filter((n) => n.startsWith("events.jsonl"));
    expect(names.length).toBeGreaterThan(3);
    const ordered = names.sort((a, b) => rotationIndex(b) - rotationIndex(a));
    const lines: OutboxEvent[] = [];
    for (const n of ordered) {
      const stat = await fs.stat(path.join(dir, n));
      expect(stat.size).toBeLessThanOrEqual(8192);
      lines.push(...(await fs.readFile(path.join(dir, n), "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as OutboxEvent));
    }
    expect(lines.map((e) => e.seq)).toEqual(seqRange(from + 1, from + 150));
    for (let i = 1; i < lines.length; i++) expect(lines[i].prevHash).toBe(lines[i - 1].hash);
    await fs.rm(dir, { recursive: true, force: true });
  }, 30_000);

  it("(g) an event-type filter sends only matching events and still moves the cursor past the rest", async () => {
    const rx = await receiver(false);
    const from = await newestSeq();
    const sink = await createSink(db, secretKey, { kind: "webhook", url: rx.url, deliveredSeq: from, eventTypes: ["policy.update", "approval.*"] });
    runner = new OutboxRunner(db, { secretKey, pollMs: 50 });
    runner.start();
    await appendEvents(db, [
      ...testEvents(2, "connection.create"),
      ...testEvents(1, "policy.update"),
      ...testEvents(1, "approval.request"),
      ...testEvents(1, "approval_grant.create"),
      ...testEvents(1, "approval.timeout"),
      ...testEvents(3, "token.create"),
    ]);
    await eventually(async () => (await readSink(db, sink.id)).deliveredSeq === from + 9 || undefined);
    expect(rx.problems).toEqual([]);
    expect(rx.events.map((e) => [e.seq, e.event.action])).toEqual([
      [from + 3, "policy.update"],
      [from + 4, "approval.request"],
      [from + 6, "approval.timeout"],
    ]);
    // A batch with nothing matching moves the cursor without a request.
    const requests = rx.requests;
    await appendEvents(db, testEvents(4, "token.revoke"));
    await eventually(async () => (await readSink(db, sink.id)).deliveredSeq === from + 13 || undefined);
    expect(rx.requests).toBe(requests);
  }, 30_000);
});

function rotationIndex(name: string): number {
  const m = /\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : 0;
}

/** `warden outbox run` as its own process (its own group, so a SIGKILL takes all of it at once). */
function spawnDeliverer(storeUrl: string, secretKey: Buffer): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join(root, "scripts/warden.ts"), "outbox", "run", "--poll-ms", "100"], {
    cwd: root,
    detached: true,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", DATABASE_URL: storeUrl, WARDEN_SECRET_KEY: secretKey.toString("hex") } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => process.env.DEBUG_OUTBOX && process.stderr.write(d));
  return child;
}
