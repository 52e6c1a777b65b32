import net from "node:net";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import { FrameReader } from "../protocol/frame-reader";
import { startupMessage } from "../protocol/frontend-serializers";
import { ProtocolVersion } from "../protocol/message-codes";
import { eventually } from "../testing/gateway-fixture";
import { startMaskingFixture, type MaskingFixture } from "./testing/masking-fixture";

const ROWS = 1_000_000;

/** A client that counts messages and checks each row for raw values, keeping none of them. */
async function countingClient(fx: MaskingFixture) {
  const socket = net.connect({ host: "127.0.0.1", port: fx.gateway.port });
  await new Promise((r) => socket.once("connect", r));
  const counts = new Map<string, number>();
  let rawSeen = 0;
  let firstRow: Buffer | null = null;
  const reader = new FrameReader({ maxMessageBytes: 1 << 30 });
  socket.on("data", (chunk) =>
    reader.push(chunk, (code, frame) => {
      const t = String.fromCharCode(code);
      counts.set(t, (counts.get(t) ?? 0) + 1);
      if (t === "D") {
        firstRow ??= Buffer.from(frame);
        if (frame.includes("4111 1111 1111 1111") || frame.includes("user") || frame.includes("+1415555")) rawSeen++;
      }
      if (t === "R" && frame.readInt32BE(5) === 3) socket.write(serialize.password(fx.token));
    }),
  );
  socket.write(startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName, application_name: "masking-streaming" }));
  await eventually(async () => counts.get("Z") === 1);
  return { socket, counts, rawSeen: () => rawSeen, firstRow: () => firstRow, readyCount: () => counts.get("Z") ?? 0 };
}

async function upstreamWaitEvent(admin: pg.Client, queryPrefix: string): Promise<string | null> {
  const r = await admin.query("select wait_event from pg_stat_activity where query like $1 and state = 'active'", [`${queryPrefix}%`]);
  return r.rows[0]?.wait_event ?? null;
}

/** Whether the server is still running the query: with the client paused it cannot finish a result far larger than the socket buffers. */
async function isUpstreamRunning(admin: pg.Client, queryPrefix: string): Promise<boolean> {
  const r = await admin.query("select 1 from pg_stat_activity where query like $1 and state = 'active'", [`${queryPrefix}%`]);
  return r.rowCount === 1;
}

describe("masking: streaming", () => {
  let fx: MaskingFixture;
  beforeAll(async () => {
    const policy = demoPolicy();
    fx = await startMaskingFixture({}, {
      ...policy,
      masking: {
        ...policy.masking,
        columnRules: [
          { column: "public.big.email", semanticType: "email" },
          { column: "public.big.phone", semanticType: "phone" },
          { column: "public.big.card", semanticType: "card_number" },
        ],
      },
    });
    await fx.admin.query(`
      create table big as
        select g as id, 'user' || g || '@example.com' as email, '+1415555' || lpad((g % 10000)::text, 4, '0') as phone,
               '4111 1111 1111 1111'::text as card, repeat('x', 200) as filler
        from generate_series(1, ${ROWS}) g;
      alter table big owner to ${fx.targetRole};`);
  }, 180_000);
  afterAll(async () => {
    await fx?.closeAll();
  });

  it("masks a million-row result with three masked columns in flat memory: a slow client makes the upstream wait", async () => {
    const c = await countingClient(fx);
    const sql = "select id, email, phone, card, filler from big";
    global.gc?.();
    const baseline = process.memoryUsage();
    c.socket.pause();
    c.socket.write(serialize.query(sql));
    // The gateway stops reading when the client does, masking or not: the server waits on its socket.
    await eventually(async () => (await upstreamWaitEvent(fx.admin, "select id, email, phone")) === "ClientWrite", 60_000);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      // The server may run briefly while a socket buffer's worth drains; it must not get to finish.
      expect(await isUpstreamRunning(fx.admin, "select id, email, phone")).toBe(true);
      expect(process.memoryUsage().arrayBuffers - baseline.arrayBuffers).toBeLessThan(48 * 1024 * 1024);
    }
    // Then all of it (about 260 MB of rows) goes through while memory is sampled.
    let peakRss = 0;
    let peakBuffers = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss - baseline.rss);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers - baseline.arrayBuffers);
    }, 100);
    c.socket.resume();
    try {
      await eventually(async () => c.readyCount() === 2, 240_000);
    } finally {
      clearInterval(sampler);
    }
    c.socket.destroy();
    expect(c.counts.get("D")).toBe(ROWS);
    expect(c.rawSeen()).toBe(0);
    expect(c.firstRow()!.toString("latin1")).toContain("**** **** **** 1111");
    // Bounded growth, below the result's size: held rows would be hundreds of MB of buffers. (The
    // heap grows some with the garbage of masking; about 100 MB of RSS on a typical run.)
    expect(peakBuffers).toBeLessThan(64 * 1024 * 1024);
    expect(peakRss).toBeLessThan(256 * 1024 * 1024);
  }, 300_000);
});
