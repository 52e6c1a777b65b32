import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "@/drizzle/schema";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { ensureGatewayBuild } from "@/scripts/launcher/build-gateway";
import { gatewayEnvironment } from "@/scripts/launcher/gateway-environment";
import { startGatewayProcess, type GatewayProcess } from "@/scripts/launcher/start-gateway-process";
import { decodeBackendFrame, decodeBackendKeyData } from "./protocol/backend-decoders";
import { cancelRequest, startupMessage } from "./protocol/frontend-serializers";
import { ProtocolVersion } from "./protocol/message-codes";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { RawClient } from "./testing/raw-client";
import { runTool } from "./testing/run-tool";

const MAX = 3;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The error a sign-in ends with, or a failure if it got in. */
const refusal = (connect: () => Promise<pg.Client>) =>
  connect().then(
    async (c) => {
      await c.end();
      throw new Error("the connection was accepted");
    },
    (err: { code?: string; severity?: string; message: string }) => ({ code: err.code, severity: err.severity, message: err.message }),
  );

const TOO_MANY = { code: "53300", severity: "FATAL", message: "sorry, too many clients already" };

/** Opens a socket and resolves when the gateway closes it, with how long that took and what it sent. */
function quietConnection(port: number): Promise<{ socket: net.Socket; closed: Promise<{ afterMs: number; bytes: number }> }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      const start = Date.now();
      let bytes = 0;
      socket.on("data", (d) => (bytes += d.length));
      resolve({ socket, closed: new Promise((r) => socket.once("close", () => r({ afterMs: Date.now() - start, bytes }))) });
    });
    socket.on("error", () => {});
  });
}

describe("GATEWAY_MAX_CONNECTIONS in one worker", () => {
  let fx: GatewayFixture;
  let ca: string;
  beforeAll(async () => {
    fx = await startGatewayFixture({ maxConnections: MAX, selfSignedTls: true, limits: { startupTimeoutMs: 3000 } });
    ca = fs.readFileSync(fx.gateway.tlsCertPath!, "utf8");
  });
  afterAll(() => fx?.close());

  it("answers a connection past the cap with 53300 after its startup packet, plain, over TLS and over direct TLS; psql shows it", async () => {
    const held = [await fx.connect(), await fx.connect({ ssl: { ca, servername: "localhost" } }), await fx.connect()];
    expect(await refusal(() => fx.connect())).toEqual(TOO_MANY);
    expect(await refusal(() => fx.connect({ ssl: { ca, servername: "localhost" } }))).toEqual(TOO_MANY);
    expect(await refusal(() => fx.connect({ ssl: { ca, servername: "localhost" }, sslnegotiation: "direct" }))).toEqual(TOO_MANY);
    const psql = await runTool("psql", [fx.uri({ sslmode: "require" }), "-XAtc", "select 1"]);
    expect(psql.code).toBe(2);
    expect(psql.stderr).toMatch(/FATAL: {2}sorry, too many clients already/);

    // The held sessions are untouched; one leaving makes room for the next.
    for (const c of held) expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await held.pop()!.end();
    const next = await eventually(() => fx.connect().catch(() => undefined));
    expect((await next.query("select 'in' as s")).rows).toEqual([{ s: "in" }]);
    await Promise.all([...held, next].map((c) => c.end()));
    await eventually(async () => fx.gateway.connectionCount() === 0);
    expect(fx.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("still passes on a CancelRequest while full", async () => {
    const busy = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    const others = [await fx.connect(), await fx.connect()];
    expect(await refusal(() => fx.connect())).toEqual(TOO_MANY);
    const key = decodeBackendKeyData(busy.startup.find((m) => m.type === "K")!.frame);
    busy.client.send(serialize.query("select pg_sleep(30)"));
    const admin = new pg.Client({ connectionString: fx.targetAdminUrl });
    await admin.connect();
    await eventually(async () => (await admin.query("select 1 from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'")).rowCount === 1);
    await admin.end();
    const cancel = await quietConnection(fx.gateway.port);
    cancel.socket.write(cancelRequest(key.processId, key.secretKey));
    expect((await cancel.closed).bytes).toBe(0);
    const answer = await busy.client.until((m) => m.type === "Z");
    expect(answer.find((m) => m.type === "E")?.decoded).toMatchObject({ code: "57014" });
    busy.client.close();
    await Promise.all(others.map((c) => c.end()));
    await eventually(async () => fx.gateway.connectionCount() === 0);
  });

  it("keeps at most as many refusals waiting as places, and closes a connection past them at once", async () => {
    const held = await Promise.all(Array.from({ length: MAX }, () => fx.connect()));
    const waiting = await Promise.all(Array.from({ length: MAX }, () => quietConnection(fx.gateway.port)));
    const flood = await quietConnection(fx.gateway.port);
    expect(await flood.closed).toMatchObject({ bytes: 0 });
    expect((await flood.closed).afterMs).toBeLessThan(1000);
    // The waiting ones are still told why, once they send their startup packet.
    const [first, ...rest] = waiting;
    const told = await errorAfterSending(first.socket, startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName }));
    expect(told).toMatchObject(TOO_MANY);
    // Those that never speak are dropped at the startup deadline.
    for (const w of rest) expect((await w.closed).afterMs).toBeLessThan(3000 + 1000);
    await Promise.all(held.map((c) => c.end()));
    await eventually(async () => fx.gateway.connectionCount() === 0);
  });
});

/** Sends `bytes` on a connected socket and returns the fields of the ErrorResponse that comes back. */
async function errorAfterSending(socket: net.Socket, bytes: Buffer): Promise<Record<string, unknown>> {
  const got: Buffer[] = [];
  socket.on("data", (d) => got.push(d));
  socket.write(bytes);
  await new Promise((r) => socket.once("close", r));
  const all = Buffer.concat(got);
  const m = decodeBackendFrame(all.subarray(0, 1 + all.readInt32BE(1))) as unknown as Record<string, unknown>;
  return { code: m.code, severity: m.severity, message: m.message };
}

/**
 * The compiled gateway with two workers under node:cluster: the cap is the host's total, counted by
 * the primary, however the connections are spread over the workers.
 */
describe("GATEWAY_MAX_CONNECTIONS across workers", () => {
  let fx: GatewayFixture;
  let gateway: GatewayProcess;
  let dataDir: string;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-cap-"));
    await ensureGatewayBuild(root, () => {});
    gateway = await startGatewayProcess({
      root,
      env: gatewayEnvironment(
        {
          DATABASE_URL: fx.storeUrl,
          WARDEN_SECRET_KEY: fx.secretKey,
          GATEWAY_PORT: await findFreePort(),
          GATEWAY_HOST: "127.0.0.1",
          GATEWAY_TLS_CERT: undefined,
          GATEWAY_TLS_KEY: undefined,
          GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback",
          GATEWAY_WORKERS: 2,
          GATEWAY_MAX_CONNECTIONS: MAX,
          WARDEN_DATA_DIR: dataDir,
          LOG_LEVEL: "warn",
        },
      ),
      output: () => {},
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fx?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses the connection past the host's total with 53300 though each worker holds fewer, and lets the next in once one leaves", async () => {
    const connect = () => fx.connect({ port: gateway.port, application_name: "cap-cluster" });
    const held: pg.Client[] = [];
    for (let i = 0; i < MAX; i++) held.push(await connect());
    // Spread over both workers (node:cluster hands connections round-robin), yet the fourth is refused.
    const served = await eventually(async () => {
      const rows = await fx.db.select({ instance: sessions.gatewayInstance, app: sessions.applicationName }).from(sessions);
      const pids = new Set(rows.filter((r) => r.app === "cap-cluster").map((r) => Number(r.instance.split(":").at(-1))));
      return pids.size === 2 ? pids : null;
    });
    expect([...served].every((pid) => gateway.workerPids.includes(pid))).toBe(true);
    for (let i = 0; i < 4; i++) expect(await refusal(connect)).toEqual(TOO_MANY);

    await held.pop()!.end();
    const next = await eventually(() => connect().catch(() => undefined));
    expect((await next.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    expect(await refusal(connect)).toEqual(TOO_MANY);
    await Promise.all([...held, next].map((c) => c.end()));
    // Every place came back: a full set of new connections gets in.
    const again = await eventually(async () => {
      const cs = await Promise.all(Array.from({ length: MAX }, () => connect().catch(() => undefined)));
      if (cs.every(Boolean)) return cs as pg.Client[];
      await Promise.all(cs.map((c) => c?.end()));
      return undefined;
    });
    await Promise.all(again.map((c) => c.end()));
  });
});
