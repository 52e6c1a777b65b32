import net from "node:net";
import { eq } from "drizzle-orm";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statements } from "@/drizzle/schema";
import { FrameReader } from "./protocol/frame-reader";
import { startupMessage } from "./protocol/frontend-serializers";
import { ProtocolVersion } from "./protocol/message-codes";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";

/** A client that only counts messages by type, so a million rows cost it no memory. */
async function countingClient(fx: GatewayFixture) {
  const socket = net.connect({ host: "127.0.0.1", port: fx.gateway.port });
  await new Promise((r) => socket.once("connect", r));
  const counts = new Map<string, number>();
  let lastTag = "";
  const reader = new FrameReader({ maxMessageBytes: 1 << 30 });
  const seen = () => counts.get("Z") ?? 0;
  socket.on("data", (chunk) =>
    reader.push(chunk, (code, frame) => {
      const t = String.fromCharCode(code);
      counts.set(t, (counts.get(t) ?? 0) + 1);
      if (t === "C") lastTag = frame.toString("utf8", 5, frame.length - 1);
      if (t === "R" && frame.readInt32BE(5) === 3) socket.write(serialize.password(fx.token));
    }),
  );
  socket.write(startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName, application_name: "streaming" }));
  await eventually(async () => seen() === 1);
  return { socket, counts, tag: () => lastTag, readyCount: seen };
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

describe("gateway: backpressure", () => {
  let fx: GatewayFixture;
  let admin: pg.Client;
  beforeAll(async () => {
    fx = await startGatewayFixture();
    admin = new pg.Client({ connectionString: fx.targetAdminUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await fx?.close();
  });

  it("streams a million-row result with flat memory: a slow client makes the upstream wait, not the gateway buffer", async () => {
    const c = await countingClient(fx);
    const sql = "select g, repeat('x', 200) as filler from generate_series(1, 1000000) g";
    const baseline = process.memoryUsage().arrayBuffers;
    c.socket.pause();
    c.socket.write(serialize.query(sql));
    // The server blocks writing to the gateway: the gateway stopped reading because the client did.
    await eventually(async () => (await upstreamWaitEvent(admin, "select g, repeat")) === "ClientWrite", 30_000);
    // And it stays so: about 215 MB of rows, of which the gateway holds a few socket buffers' worth.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 50));
      // The server may run briefly while a socket buffer's worth drains; it must not get to finish.
      expect(await isUpstreamRunning(admin, "select g, repeat")).toBe(true);
      expect(process.memoryUsage().arrayBuffers - baseline).toBeLessThan(48 * 1024 * 1024);
    }
    c.socket.resume();
    await eventually(async () => c.readyCount() === 2, 60_000);
    expect(c.counts.get("D")).toBe(1_000_000);
    expect(c.tag()).toBe("SELECT 1000000");
    c.socket.destroy();
    const [row] = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.sql, sql));
      return r[0]?.status === "ok" ? r : undefined;
    });
    expect(row).toMatchObject({ resultRowCount: 1_000_000, rowsTruncated: true, rowCount: 1_000_000 });
    expect(row.rows?.length).toBeLessThanOrEqual(100);
  });

  it("holds a fast client back while the upstream cannot take its COPY data", async () => {
    await admin.query(`create table sink (line text); alter table sink owner to ${fx.targetRole}`);
    // A second session holds the lock (pg_stat_activity is a snapshot inside a transaction).
    const locker = new pg.Client({ connectionString: fx.targetAdminUrl });
    await locker.connect();
    await locker.query("begin");
    await locker.query("lock table sink in access exclusive mode");
    const c = await countingClient(fx);
    c.socket.write(serialize.query("copy sink from stdin"));
    await eventually(async () => (await upstreamWaitEvent(admin, "copy sink")) !== null);
    const line = Buffer.from(`${"y".repeat(1000)}\n`);
    const chunk = serialize.copyData(Buffer.concat(Array.from({ length: 64 }, () => line)));
    const total = 64 * 1024 * 1024;
    for (let sent = 0; sent < total; sent += chunk.length) c.socket.write(chunk);
    const baseline = process.memoryUsage().arrayBuffers;
    // With the server stuck on the lock, the gateway stops reading: the data waits in the client.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 50));
      expect(c.socket.writableLength).toBeGreaterThan(16 * 1024 * 1024);
      expect(process.memoryUsage().arrayBuffers - baseline).toBeLessThan(32 * 1024 * 1024);
    }
    await locker.query("commit");
    await locker.end();
    c.socket.write(serialize.copyDone());
    await eventually(async () => c.readyCount() === 2, 60_000);
    expect(c.tag()).toBe(`COPY ${Math.ceil(total / chunk.length) * 64}`);
    c.socket.destroy();
  });
});
