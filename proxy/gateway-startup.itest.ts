import fs from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { eq } from "drizzle-orm";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sessions } from "@/drizzle/schema";
import { decodeBackendFrame } from "./protocol/backend-decoders";
import { cancelRequest, startupMessage } from "./protocol/frontend-serializers";
import { ProtocolVersion, StartupRequestCode } from "./protocol/message-codes";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { RawClient, types } from "./testing/raw-client";
import { runTool } from "./testing/run-tool";

const STARTUP_TIMEOUT_MS = 1500;

const sslRequest = () => serialize.requestSsl();
const gssencRequest = () => Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]);

/** A packet with a length word in front of `body`. */
function packet(body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length + 4);
  return Buffer.concat([len, body]);
}

/**
 * Writes `chunks` on a fresh connection and collects what comes back until the server closes it.
 * With `end`, the client half-closes after writing (it has nothing more to say); without, the
 * server must close by itself. `closedAfterMs` is measured from the connection being established.
 */
function exchange(host: string, port: number, chunks: Buffer[], opts: { end?: boolean; giveUpMs?: number } = {}): Promise<{ bytes: Buffer; isClosedByServer: boolean; closedAfterMs: number }> {
  return new Promise((resolve) => {
    let connectedAt = Date.now();
    let isClosedByServer = true;
    const socket = net.connect({ host, port }, () => {
      connectedAt = Date.now();
      for (const c of chunks) socket.write(c);
      if (opts.end) socket.end();
    });
    const got: Buffer[] = [];
    socket.on("data", (d) => got.push(d));
    socket.on("error", () => {});
    const giveUp = setTimeout(() => {
      isClosedByServer = false;
      socket.destroy();
    }, opts.giveUpMs ?? 5000);
    socket.on("close", () => {
      clearTimeout(giveUp);
      resolve({ bytes: Buffer.concat(got), isClosedByServer, closedAfterMs: Date.now() - connectedAt });
    });
  });
}

/** The protocol 3 messages in a byte stream, decoded (after any one-byte answers to SSLRequest / GSSENCRequest, given as `skip`). */
function messagesIn(bytes: Buffer, skip = 0) {
  const out: { type: string; fields: Record<string, unknown> }[] = [];
  let off = skip;
  while (off + 5 <= bytes.length) {
    const end = off + 1 + bytes.readInt32BE(off + 1);
    const frame = bytes.subarray(off, end);
    out.push({ type: String.fromCharCode(frame[0]), fields: decodeBackendFrame(frame) as unknown as Record<string, unknown> });
    off = end;
  }
  return out;
}

/** Opens a TLS connection straight away (direct TLS), offering the given ALPN protocols. */
function connectDirectTls(port: number, ca: string, alpn: string[] | undefined): Promise<{ socket: tls.TLSSocket } | { error: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca, servername: "localhost", ALPNProtocols: alpn });
    socket.once("secureConnect", () => resolve({ socket }));
    socket.once("error", (error) => resolve({ error }));
  });
}

/** Collects what a TLS socket receives until it closes (or `giveUpMs` passes). */
function drain(socket: tls.TLSSocket, giveUpMs = 5000): Promise<{ bytes: Buffer; isClosedByServer: boolean }> {
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    let isClosedByServer = true;
    socket.on("data", (d) => got.push(d));
    socket.on("error", () => {});
    const giveUp = setTimeout(() => {
      isClosedByServer = false;
      socket.destroy();
    }, giveUpMs);
    socket.once("close", () => {
      clearTimeout(giveUp);
      resolve({ bytes: Buffer.concat(got), isClosedByServer });
    });
  });
}

/** Signs in over a connected socket with the raw protocol and runs `select 1`. */
async function signInAndSelect(c: RawClient, fx: GatewayFixture) {
  c.send(startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName, application_name: "startup-itest" }));
  const auth = await c.until((m) => m.type === "R" || m.type === "E");
  expect(auth.at(-1)?.type).toBe("R");
  c.send(serialize.password(fx.token));
  expect((await c.until((m) => m.type === "Z" || m.type === "E")).at(-1)?.type).toBe("Z");
  c.send(serialize.query("select 1 as one"));
  expect(types(await c.until((m) => m.type === "Z"))).toBe("TDCZ");
}

describe("gateway startup: garbage is closed the way PostgreSQL closes it", () => {
  let fx: GatewayFixture;
  let pgHost: string;
  let pgPort: number;
  beforeAll(async () => {
    fx = await startGatewayFixture({ limits: { startupTimeoutMs: STARTUP_TIMEOUT_MS } });
    const admin = new URL(inject("pgAdminUrl"));
    pgHost = admin.hostname === "localhost" ? "127.0.0.1" : admin.hostname;
    pgPort = Number(admin.port || 5432);
  });
  afterAll(() => fx?.close());

  const both = (chunks: Buffer[], opts: { end?: boolean } = {}) =>
    Promise.all([exchange(pgHost, pgPort, chunks, opts), exchange("127.0.0.1", fx.gateway.port, chunks, opts)]);

  it("closes without a word, as PostgreSQL does, on an invalid length, an incomplete packet, a broken CancelRequest, nothing at all, or a TLS ClientHello without TLS", async () => {
    const cases: { name: string; chunks: Buffer[]; end?: boolean }[] = [
      { name: "length under 8", chunks: [Buffer.from([0, 0, 0, 3])] },
      { name: "length of 2 GB", chunks: [Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0])] },
      { name: "just over the 10,000-byte limit", chunks: [Buffer.from([0, 0, 0x27, 0x15, 0, 3, 0, 0])] },
      { name: "HTTP", chunks: [Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")] },
      { name: "cancel key of 3 bytes", chunks: [packet(Buffer.from([0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 1, 9, 9, 9]))] },
      { name: "half a startup packet, then hang up", chunks: [startupMessage(ProtocolVersion.V3_0, { user: "x" }).subarray(0, 12)], end: true },
      { name: "two bytes, then hang up", chunks: [Buffer.from([0, 0])], end: true },
      { name: "nothing, then hang up", chunks: [], end: true },
      { name: "a TLS ClientHello to a server without TLS", chunks: [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0])] },
    ];
    for (const c of cases) {
      const [direct, gateway] = await both(c.chunks, { end: c.end });
      expect(direct, `PostgreSQL, ${c.name}`).toMatchObject({ isClosedByServer: true, bytes: Buffer.alloc(0) });
      expect(gateway, `gateway, ${c.name}`).toMatchObject({ isClosedByServer: true, bytes: Buffer.alloc(0) });
    }
    expect(fx.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("answers an unsupported protocol version as PostgreSQL does: old clients in the old text format, newer ones with 0A000", async () => {
    const [directOld, gatewayOld] = await both([packet(Buffer.from([0, 2, 0, 0, ...Buffer.from("user\0x\0\0")]))]);
    expect(directOld.bytes.toString("latin1")).toBe("EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.2\n\0");
    expect(gatewayOld.bytes.toString("latin1")).toBe(directOld.bytes.toString("latin1"));
    expect(gatewayOld.isClosedByServer).toBe(true);

    const [directNew, gatewayNew] = await both([startupMessage((4 << 16) | 1, { user: "x" })]);
    const answer = (b: Buffer) => messagesIn(b).map((m) => ({ type: m.type, severity: m.fields.severity, code: m.fields.code, message: m.fields.message }));
    expect(answer(directNew.bytes)).toEqual([{ type: "E", severity: "FATAL", code: "0A000", message: "unsupported frontend protocol 4.1: server supports 3.0 to 3.2" }]);
    expect(answer(gatewayNew.bytes)).toEqual(answer(directNew.bytes));
  });

  it("answers a StartupMessage without its terminator with PostgreSQL's FATAL 08P01", async () => {
    const [direct, gateway] = await both([packet(Buffer.from([0, 3, 0, 0, ...Buffer.from("user\0x\0")]))]);
    const answer = (b: Buffer) => messagesIn(b).map((m) => ({ code: m.fields.code, message: m.fields.message }));
    expect(answer(direct.bytes)).toEqual([{ code: "08P01", message: "invalid startup packet layout: expected terminator as last byte" }]);
    expect(answer(gateway.bytes)).toEqual(answer(direct.bytes));
  });

  it("a client that connects and leaves at once (a health check, pg_isready) sees no error and leaves none in the log", async () => {
    const ready = await runTool("pg_isready", ["-h", "127.0.0.1", "-p", String(fx.gateway.port)]);
    expect(ready.code).toBe(0);
    expect(fx.logs.filter((l) => l.level === "error" || l.level === "warn")).toEqual([]);
  });
});

describe("gateway startup: one SSLRequest and one GSSENCRequest, and one deadline", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture({ limits: { startupTimeoutMs: STARTUP_TIMEOUT_MS } });
  });
  afterAll(() => fx?.close());

  it("refuses a second SSLRequest or GSSENCRequest with FATAL 08P01 and closes", async () => {
    const ssl = await exchange("127.0.0.1", fx.gateway.port, [sslRequest(), gssencRequest(), sslRequest()]);
    expect(ssl.bytes.subarray(0, 2).toString()).toBe("NN");
    expect(messagesIn(ssl.bytes, 2).map((m) => [m.fields.code, m.fields.message])).toEqual([["08P01", "SSLRequest received twice"]]);
    expect(ssl.isClosedByServer).toBe(true);

    const gss = await exchange("127.0.0.1", fx.gateway.port, [gssencRequest(), gssencRequest()]);
    expect(gss.bytes.subarray(0, 1).toString()).toBe("N");
    expect(messagesIn(gss.bytes, 1).map((m) => [m.fields.code, m.fields.message])).toEqual([["08P01", "GSSENCRequest received twice"]]);
  });

  it("closes a client that trickles its startup within one deadline for the whole startup, not one per packet", async () => {
    const start = Date.now();
    const socket = net.connect({ host: "127.0.0.1", port: fx.gateway.port });
    const got: Buffer[] = [];
    socket.on("data", (d) => got.push(d));
    socket.on("error", () => {});
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - start)));
    await new Promise((r) => socket.once("connect", r));
    // Each request alone comes well inside the deadline, and each is answered; the packet after them never completes.
    socket.write(gssencRequest());
    await new Promise((r) => setTimeout(r, 500));
    socket.write(sslRequest());
    await new Promise((r) => setTimeout(r, 500));
    const startup = startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName });
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < startup.length && !socket.destroyed) socket.write(startup.subarray(sent, ++sent));
    }, 100);
    const closedAfter = await closed;
    clearInterval(trickle);
    expect(Buffer.concat(got).toString()).toBe("NN");
    expect(closedAfter).toBeGreaterThanOrEqual(STARTUP_TIMEOUT_MS - 50);
    expect(closedAfter).toBeLessThan(STARTUP_TIMEOUT_MS + 1000);
  });

  it("counts the wait for the password against the same deadline, and says so", async () => {
    const start = Date.now();
    const c = await RawClient.connect(fx.gateway.port);
    await new Promise((r) => setTimeout(r, 1000));
    c.send(startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName }));
    const answer = await c.until((m) => m.type === "E", 5000);
    const elapsed = Date.now() - start;
    expect(types(answer)).toBe("RE");
    expect(answer.at(-1)?.decoded).toMatchObject({ severity: "FATAL", code: "08P01", message: "timed out waiting for the password" });
    expect(elapsed).toBeLessThan(STARTUP_TIMEOUT_MS + 500);
    await c.until(() => false, 2000).catch(() => undefined);
    expect(c.isClosed).toBe(true);
  });

  it("still signs in a client that asks for GSSENC and TLS once each (libpq's order) within the deadline", async () => {
    const c = await RawClient.connect(fx.gateway.port);
    const got: Buffer[] = [];
    const listeners = c.socket.listeners("data") as ((d: Buffer) => void)[];
    c.socket.removeAllListeners("data");
    c.socket.on("data", (d: Buffer) => {
      if (got.length < 2 && d.length === 1) got.push(d);
      else for (const l of listeners) l(d);
    });
    c.socket.write(gssencRequest());
    await eventually(async () => got.length === 1);
    c.socket.write(sslRequest());
    await eventually(async () => got.length === 2);
    expect(Buffer.concat(got).toString()).toBe("NN");
    await signInAndSelect(c, fx);
    c.close();
  });
});

describe("gateway startup: direct TLS (sslnegotiation=direct) and ALPN", () => {
  let fx: GatewayFixture;
  let ca: string;
  beforeAll(async () => {
    fx = await startGatewayFixture({ selfSignedTls: true, limits: { startupTimeoutMs: STARTUP_TIMEOUT_MS } });
    ca = fs.readFileSync(fx.gateway.tlsCertPath!, "utf8");
  });
  afterAll(() => fx?.close());

  it("speaks the protocol inside a TLS connection opened straight away with ALPN postgresql", async () => {
    const opened = await connectDirectTls(fx.gateway.port, ca, ["postgresql"]);
    if (!("socket" in opened)) throw opened.error;
    expect(opened.socket.alpnProtocol).toBe("postgresql");
    const c = RawClient.over(opened.socket);
    await signInAndSelect(c, fx);
    c.close();
    const [s] = await eventually(async () => {
      const rows = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "startup-itest"));
      return rows.length ? rows : undefined;
    });
    expect(s.isTls).toBe(true);
  });

  it("serves node-postgres with sslnegotiation=direct", async () => {
    const client = await fx.connect({ ssl: { ca, servername: "localhost" }, sslnegotiation: "direct", application_name: "pg-direct" });
    expect((await client.query("select $1::int + 1 as n", [41])).rows).toEqual([{ n: 42 }]);
    await client.end();
    const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "pg-direct"));
    expect(s.isTls).toBe(true);
  });

  it("refuses direct TLS without ALPN postgresql: closed after the handshake without a word, or a no_application_protocol alert", async () => {
    const none = await connectDirectTls(fx.gateway.port, ca, undefined);
    if (!("socket" in none)) throw none.error;
    none.socket.write(startupMessage(ProtocolVersion.V3_0, { user: fx.email, database: fx.connectionName }));
    expect(await drain(none.socket)).toEqual({ bytes: Buffer.alloc(0), isClosedByServer: true });

    const other = await connectDirectTls(fx.gateway.port, ca, ["http/1.1"]);
    expect("error" in other && other.error.code).toBe("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");

    expect(fx.logs.some((l) => String(l.reason).includes("without ALPN"))).toBe(true);
    expect(fx.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("through SSLRequest, accepts clients with ALPN postgresql or none, and refuses other ALPN", async () => {
    const viaSslRequest = async (alpn: string[] | undefined) => {
      const raw = net.connect({ host: "127.0.0.1", port: fx.gateway.port });
      await new Promise((r) => raw.once("connect", r));
      raw.write(sslRequest());
      const [answer] = await new Promise<Buffer[]>((r) => raw.once("data", (d) => r([d])));
      expect(answer.toString()).toBe("S");
      return new Promise<{ socket: tls.TLSSocket } | { error: NodeJS.ErrnoException }>((resolve) => {
        const socket = tls.connect({ socket: raw, ca, servername: "localhost", ALPNProtocols: alpn });
        socket.once("secureConnect", () => resolve({ socket }));
        socket.once("error", (error) => resolve({ error }));
      });
    };
    for (const alpn of [["postgresql"], undefined]) {
      const opened = await viaSslRequest(alpn);
      if (!("socket" in opened)) throw opened.error;
      expect(opened.socket.alpnProtocol).toBe(alpn ? "postgresql" : false);
      const c = RawClient.over(opened.socket);
      await signInAndSelect(c, fx);
      c.close();
    }
    const other = await viaSslRequest(["http/1.1"]);
    expect("error" in other && other.error.code).toBe("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
  });

  it("serves psql 15 (SSLRequest, no ALPN) with sslmode=require", async () => {
    const r = await runTool("psql", [fx.uri({ sslmode: "require" }), "-XAtc", "select 'over tls'"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("over tls");
  });

  it("refuses SSLRequest and GSSENCRequest inside a TLS connection", async () => {
    for (const request of [sslRequest(), gssencRequest()]) {
      const opened = await connectDirectTls(fx.gateway.port, ca, ["postgresql"]);
      if (!("socket" in opened)) throw opened.error;
      opened.socket.write(request);
      const { bytes } = await drain(opened.socket);
      const code = request.readInt32BE(4) === StartupRequestCode.SSLRequest ? "SSLRequest" : "GSSENCRequest";
      expect(messagesIn(bytes).map((m) => [m.fields.code, m.fields.message])).toEqual([["08P01", `${code} received on an encrypted connection`]]);
    }
  });

  it("passes a CancelRequest sent inside direct TLS on to the session it names", async () => {
    const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    const key = startup.find((m) => m.type === "K")!.frame;
    client.send(serialize.query("select pg_sleep(30)"));
    await new Promise((r) => setTimeout(r, 300));
    const opened = await connectDirectTls(fx.gateway.port, ca, ["postgresql"]);
    if (!("socket" in opened)) throw opened.error;
    opened.socket.write(cancelRequest(key.readInt32BE(5), key.subarray(9)));
    expect((await drain(opened.socket)).bytes).toEqual(Buffer.alloc(0));
    const answer = await client.until((m) => m.type === "Z");
    expect(answer.find((m) => m.type === "E")?.decoded).toMatchObject({ code: "57014" });
    client.close();
  });

  it("drops a TLS handshake that does not finish by the startup deadline", async () => {
    const slow = await exchange("127.0.0.1", fx.gateway.port, [Buffer.from([0x16, 0x03, 0x01])]);
    expect(slow.bytes).toEqual(Buffer.alloc(0));
    expect(slow.isClosedByServer).toBe(true);
    expect(slow.closedAfterMs).toBeGreaterThanOrEqual(STARTUP_TIMEOUT_MS - 50);
    expect(slow.closedAfterMs).toBeLessThan(STARTUP_TIMEOUT_MS + 1000);
  });
});

describe("gateway startup without TLS configured", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(() => fx?.close());

  it("closes a direct TLS attempt cleanly, as PostgreSQL without TLS does: node-postgres sees the same, the gateway logs no error", async () => {
    const attempt = (config: pg.ClientConfig) =>
      new pg.Client({ ...config, ssl: { rejectUnauthorized: false }, sslnegotiation: "direct" }).connect().then(
        () => {
          throw new Error("connected");
        },
        (e: Error & { code?: string }) => ({ code: e.code, message: e.message }),
      );
    const direct = await attempt({ connectionString: fx.targetAdminUrl });
    const gateway = await attempt(fx.clientConfig());
    expect(direct.message).toMatch(/disconnected before secure TLS connection was established/);
    expect(gateway).toEqual(direct);
    await eventually(async () => fx.gateway.connectionCount() === 0);
    expect(fx.logs.filter((l) => l.level === "error")).toEqual([]);
    expect(fx.logs.some((l) => String(l.reason).includes("the gateway has no TLS configured"))).toBe(true);
  });
});
