import { randomBytes } from "node:crypto";
import net from "node:net";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBackendKeyData } from "./protocol/backend-decoders";
import { cancelRequest, startupMessage } from "./protocol/frontend-serializers";
import { ProtocolVersion } from "./protocol/message-codes";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { RawClient, types } from "./testing/raw-client";

const MAX_MESSAGE = 1024 * 1024;

/** Sends bytes on a fresh connection and collects what comes back until the gateway closes it. */
function throwBytes(port: number, chunks: Buffer[], opts: { end?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      for (const c of chunks) socket.write(c);
      if (opts.end) socket.end();
    });
    const got: Buffer[] = [];
    socket.on("data", (d) => got.push(d));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Buffer.concat(got)));
    setTimeout(() => socket.destroy(), 5000);
  });
}

/** The SQLSTATE of the first ErrorResponse in a byte stream, if any. */
function sqlStateIn(bytes: Buffer): string | undefined {
  const at = bytes.indexOf(Buffer.from("\0C"));
  const e = bytes.indexOf(0x45);
  if (e < 0 || at < 0) return undefined;
  return bytes.toString("latin1", at + 2, at + 7);
}

describe("gateway: hostile and odd input", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture({ limits: { maxMessageBytes: MAX_MESSAGE }, throttle: { baseDelayMs: 1, maxDelayMs: 5 } });
  });
  afterAll(() => fx?.close());

  const signedIn = async () => (await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token)).client;

  it("refuses oversized and malformed messages with an ErrorResponse, closing only that connection", async () => {
    const bystander = await fx.connect();
    const check = async () => expect((await bystander.query("select 'fine' as s")).rows).toEqual([{ s: "fine" }]);

    // A Query announcing 2 GB: refused from its header, before any of it is buffered.
    const big = await signedIn();
    const header = Buffer.alloc(5);
    header[0] = 0x51;
    header.writeInt32BE(0x7ffffff0, 1);
    big.send(header, Buffer.from("select 1"));
    const bigAnswer = await big.until((m) => m.type === "E");
    expect(bigAnswer.at(-1)?.decoded).toMatchObject({ code: "54000", severity: "FATAL", message: expect.stringMatching(/exceeds the gateway's limit/) });
    await big.until(() => false, 2000).catch(() => undefined);
    expect(big.isClosed).toBe(true);
    await check();

    // Just over the limit, with the body actually sent.
    const over = await signedIn();
    over.send(serialize.query("select '" + "x".repeat(MAX_MESSAGE) + "'"));
    expect((await over.until((m) => m.type === "E")).at(-1)?.decoded).toMatchObject({ code: "54000" });
    await check();

    // An unknown message type, a message length under 4, a malformed Bind, a Parse with no terminator.
    const malformed = [
      Buffer.from([0x7a, 0, 0, 0, 4]),
      Buffer.from([0x51, 0, 0, 0, 2]),
      Buffer.concat([Buffer.from([0x42, 0, 0, 0, 12]), Buffer.from([0, 0, 0, 5, 0, 1, 0, 0])]),
      Buffer.concat([Buffer.from([0x50, 0, 0, 0, 9]), Buffer.from("abcde")]),
    ];
    for (const frame of malformed) {
      const c = await signedIn();
      c.send(frame);
      const answer = await c.until((m) => m.type === "E");
      expect(answer.at(-1)?.decoded).toMatchObject({ code: "08P01", severity: "FATAL" });
      await check();
    }
    await bystander.end();
  });

  it("survives random and truncated frames at every phase while a well-behaved client keeps working", async () => {
    const bystander = await fx.connect();
    let bystanderQueries = 0;
    let stop = false;
    const busy = (async () => {
      while (!stop) {
        const r = await bystander.query("select $1::int + 1 as n", [bystanderQueries]);
        expect(r.rows[0].n).toBe(bystanderQueries + 1);
        bystanderQueries++;
      }
    })();

    const startupAttacks = [
      randomBytes(64),
      Buffer.from([0, 0, 0, 3]),
      Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0]),
      startupMessage(ProtocolVersion.V3_0, { user: "x" }).subarray(0, 12),
      Buffer.concat([Buffer.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f]), randomBytes(20)]),
      Buffer.from([0, 0, 0, 8, 0, 2, 0, 0]),
    ];
    const answers = await Promise.all(startupAttacks.map((b) => throwBytes(fx.gateway.port, [b], { end: true })));
    for (const a of answers) if (a.length > 0) expect(["08P01", "28000", undefined]).toContain(sqlStateIn(a));

    for (let round = 0; round < 40; round++) {
      const c = await signedIn();
      const frames: Buffer[] = [];
      for (let i = 0; i < 5; i++) {
        const body = randomBytes(Math.floor(Math.random() * 50));
        const frame = Buffer.alloc(5 + body.length);
        frame[0] = "QPBDESHCdcfXF?z"[Math.floor(Math.random() * 15)].charCodeAt(0);
        frame.writeInt32BE(4 + body.length, 1);
        body.copy(frame, 5);
        frames.push(frame);
      }
      const all = Buffer.concat(frames);
      // Sometimes cut the stream mid-frame and hang up.
      c.send(round % 3 === 0 ? all.subarray(0, Math.floor(all.length / 2)) : all);
      if (round % 3 === 0) c.close();
      else await c.until(() => false, 300).catch(() => undefined);
      c.close();
    }
    stop = true;
    await busy;
    expect(bystanderQueries).toBeGreaterThan(0);
    expect((await bystander.query("select 'still here' as s")).rows).toEqual([{ s: "still here" }]);
    await bystander.end();
    expect(fx.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("answers GSSENCRequest and SSLRequest with N on a gateway without TLS, then accepts the startup", async () => {
    const c = await RawClient.connect(fx.gateway.port);
    const gssenc = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]);
    const got: Buffer[] = [];
    c.socket.removeAllListeners("data");
    c.socket.on("data", (d) => got.push(d));
    const answered = (n: number) => eventually(async () => Buffer.concat(got).length >= n);
    c.socket.write(gssenc);
    await answered(1);
    c.socket.write(serialize.requestSsl());
    await answered(2);
    expect(Buffer.concat(got).toString()).toBe("NN");
    c.socket.write(startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName }));
    await answered(3);
    // AuthenticationCleartextPassword follows on the same connection.
    expect(Buffer.concat(got).subarray(2, 3).toString()).toBe("R");
    c.close();
  });

  it("speaks protocol 3.2 (long cancel keys) and negotiates newer versions and unknown options down", async () => {
    const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, ProtocolVersion.V3_2);
    expect(types(startup)).not.toContain("v");
    const key = decodeBackendKeyData(startup.find((m) => m.type === "K")!.frame);
    expect(key.secretKey.length).toBe(32);
    client.send(serialize.query("select pg_sleep(30)"));
    const admin = new pg.Client({ connectionString: fx.targetAdminUrl });
    await admin.connect();
    await eventually(async () => (await admin.query("select 1 from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'")).rowCount === 1);
    await admin.end();
    await throwBytes(fx.gateway.port, [cancelRequest(key.processId, key.secretKey)]);
    const answer = await client.until((m) => m.type === "Z");
    expect(answer.find((m) => m.type === "E")?.decoded).toMatchObject({ code: "57014" });
    client.close();

    const newer = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, (3 << 16) | 5, { "_pq_.compression": "on" });
    const v = newer.startup.find((m) => m.type === "v")!;
    expect(v.frame.readInt32BE(5)).toBe((3 << 16) | 2);
    expect(v.frame.readInt32BE(9)).toBe(1);
    expect(v.frame.toString("utf8", 13, v.frame.length - 1)).toBe("_pq_.compression");
    expect(decodeBackendKeyData(newer.startup.find((m) => m.type === "K")!.frame).secretKey.length).toBe(32);
    newer.client.send(serialize.query("select 1"));
    expect(types(await newer.client.until((m) => m.type === "Z"))).toBe("TDCZ");
    newer.client.close();
  });

  it("refuses replication connections and a missing user name", async () => {
    const repl = await RawClient.connect(fx.gateway.port);
    repl.send(startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName, replication: "database" }));
    expect((await repl.until((m) => m.type === "E")).at(-1)?.decoded).toMatchObject({ code: "0A000" });
    const nouser = await RawClient.connect(fx.gateway.port);
    nouser.send(startupMessage(ProtocolVersion.V3_0, { database: fx.connectionName }));
    expect((await nouser.until((m) => m.type === "E")).at(-1)?.decoded).toMatchObject({ code: "28000" });
  });
});
