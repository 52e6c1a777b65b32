import net from "node:net";
import { eq } from "drizzle-orm";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connections } from "@/drizzle/schema";
import { createStoreListener, type StoreListener } from "@/lib/db/store-listener";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { policyDocumentSchema } from "@/lib/policy/policy-document";
import { savePolicy } from "./approvals/testing/approval-fixtures";
import { findFreePort } from "@/lib/db/embedded-postgres";
import type { Decision, GatewayHooks } from "./hooks/gateway-hooks";
import { createLogger } from "./log";
import { createMaskingHooks } from "./masking/masking-hooks";
import { createPolicyEnforcement } from "./policy/enforce-policy";
import { PolicyCache } from "./policy/policy-cache";
import { errorResponse } from "./protocol/backend-messages";
import { createGatewayDb } from "./store-db";
import { openCuttableLink } from "./testing/cuttable-link";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { RawClient, sqlStateOf, types, type RawMessage } from "./testing/raw-client";
import { simpleQuery, sleep, startProbeFixture, upstreamBackends, type ProbeFixture } from "./testing/session-probes";
import { setStoreReachable } from "./testing/store-outage";

/**
 * Issue 9, item 8: faults are answered with the SQLSTATE a client can act on, always in an
 * ErrorResponse before the connection closes: 57P03 (try again) while the store is away, 08006 when
 * the target drops the connection, the server's own 57P01 when it terminates the backend.
 */

type PgError = { code?: string; severity?: string; message: string };

/** The last ErrorResponse before the connection closed, and whether it did close. */
async function errorThenClose(c: RawClient, timeoutMs = 10_000): Promise<RawMessage> {
  const got = await c.until((m) => m.type === "E", timeoutMs);
  const error = got.at(-1);
  expect(error?.type, `got ${types(got)}`).toBe("E");
  const deadline = Date.now() + 3_000;
  while (!c.isClosed && Date.now() < deadline) await sleep(20);
  expect(c.isClosed).toBe(true);
  return error!;
}

describe("gateway: the store goes away", () => {
  let fx: GatewayFixture;
  let listener: StoreListener | undefined;
  let policyDb: ReturnType<typeof createGatewayDb> | undefined;
  /** What policy decided for each statement, as the hook returned it. */
  const decisions: { sql: string; decision: Decision }[] = [];
  beforeAll(async () => {
    fx = await startGatewayFixture({ recordingRetryMs: 100, throttle: { baseDelayMs: 200, maxDelayMs: 1000 } });
    const target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table secrets (s text); alter table secrets owner to ${fx.targetRole}`);
    await target.end();
    await savePolicy(
      fx.db,
      fx.connectionId,
      policyDocumentSchema.parse({
        ...defaultPolicy(),
        guardrails: [...defaultPolicy().guardrails, { id: "no-secrets", name: "No secrets", isEnabled: true, match: { relations: ["secrets"] }, message: "The secrets table is off limits." }],
      }),
    );
  });
  afterEach(async () => {
    await setStoreReachable(fx.storeUrl, true);
  });
  afterAll(async () => {
    await setStoreReachable(fx.storeUrl, true);
    await fx?.close();
    await listener?.close();
    await policyDb?.$client.end();
  });

  /**
   * Restarts the gateway with the default policy and masking hooks, both trusting what they cached
   * for only `maxAgeMs`, reading policies from `policyUrl` (the store, unless a test cuts it off).
   */
  async function restartWithPolicyAge(maxAgeMs: number, policyUrl = fx.storeUrl) {
    await listener?.close();
    await policyDb?.$client.end();
    listener = createStoreListener(fx.storeUrl, { onError: () => {} });
    policyDb = createGatewayDb(policyUrl, { connectTimeoutMs: 2000 });
    policyDb.$client.on("connect", (client) => client.on("error", () => {}));
    const policies = new PolicyCache(policyDb, listener, maxAgeMs, 200);
    const log = createLogger("info", (line) => fx.logs.push(JSON.parse(line))).child({ component: "gateway" });
    const policy = createPolicyEnforcement({ db: policyDb, listener, policies, instance: "test", publicUrl: "http://localhost:3000", log });
    const masking = createMaskingHooks({ db: policyDb, policies, secretKey: fx.secretKey, log, maxAgeMs });
    const hooks: GatewayHooks = {
      ...masking,
      decideStartupSettings: policy.decideStartupSettings,
      decideStatement(ctx) {
        const d = policy.decideStatement(ctx);
        if (d instanceof Promise) void d.then((decision) => decisions.push({ sql: ctx.sql, decision }));
        else decisions.push({ sql: ctx.sql, decision: d });
        return d;
      },
      close: async () => {
        await policy.close();
        await masking.close();
      },
    };
    await fx.restartGateway({ hooks });
  }

  it("a sign-in while the store is unreachable gets 57P03 'try again' (not XX000), and is not throttled as a failure", async () => {
    await setStoreReachable(fx.storeUrl, false);
    const before = fx.logs.length;
    for (let i = 0; i < 3; i++) {
      const err: PgError = await fx.connect().then(
        async (c) => {
          await c.end();
          throw new Error("the sign-in was accepted");
        },
        (e: PgError) => e,
      );
      expect(err).toMatchObject({ code: "57P03", severity: "FATAL", message: "the Warden store is unreachable; try again" });
    }
    const logs = fx.logs.slice(before);
    expect(logs.filter((l) => l.msg === "repeated sign-in failures from this address: answer delayed")).toEqual([]);
    expect(logs.filter((l) => l.msg === "sign-in refused: the store is unreachable")).toHaveLength(3);
    expect(JSON.stringify(logs)).not.toMatch(/internal error/);
    await setStoreReachable(fx.storeUrl, true);
    const c = await eventually(() => fx.connect().catch(() => undefined));
    expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await c.end();
  });

  it("an outage longer than the policy cache's life keeps the last policy in force (logged): no 42501 'policy cannot be loaded', no withheld message", async () => {
    await restartWithPolicyAge(300);
    const c = await fx.connect({ application_name: "stale-policy" });
    c.on("error", () => {});
    await expect(c.query("select * from secrets")).rejects.toMatchObject({ code: "42501", message: "The secrets table is off limits." });
    expect((await c.query("select 1 as ok")).rows).toEqual([{ ok: 1 }]);
    await setStoreReachable(fx.storeUrl, false);
    decisions.length = 0;
    for (let round = 0; round < 3; round++) {
      await sleep(500);
      // Nothing runs unrecorded: both are refused with 57P03, in words the client can read (the
      // masking of server messages still has its policy, so nothing is withheld).
      for (const sql of ["select * from secrets", "select 1"]) {
        const err = (await c.query(sql).catch((e: PgError) => e)) as PgError;
        expect(err, sql).toMatchObject({ code: "57P03", message: expect.stringMatching(/^Warden cannot record statements right now \(its store is unreachable\)/) });
      }
    }
    // ...and judged by the policy it had all along.
    await eventually(async () => decisions.length >= 6);
    const expected = [
      { sql: "select * from secrets", decision: expect.objectContaining({ action: "block", sqlState: "42501", message: "The secrets table is off limits." }) },
      { sql: "select 1", decision: expect.objectContaining({ action: "forward" }) },
    ];
    expect(decisions).toEqual([...expected, ...expected, ...expected]);
    expect(fx.logs.some((l) => l.msg === "the store cannot be read; the last policy loaded stays in force")).toBe(true);
    await setStoreReachable(fx.storeUrl, true);
    await eventually(async () => (await c.query("select 3 as ok").then((r) => r.rows[0].ok === 3).catch(() => false)));
    await c.end();
  });

  it("a sign-in when no policy of the connection can be read is refused with 57P03, not let in without one", async () => {
    await restartWithPolicyAge(300, `postgresql://nobody@127.0.0.1:${await findFreePort()}/store`);
    const err = await fx.connect().then(
      async (c) => {
        await c.end();
        throw new Error("the sign-in was accepted");
      },
      (e: PgError) => e,
    );
    expect(err).toMatchObject({ code: "57P03", severity: "FATAL", message: "the Warden store is unreachable; try again" });
    expect(fx.logs.some((l) => l.msg === "sign-in refused: the policy cannot be read")).toBe(true);
  });
});

describe("gateway: a target that fails during the handshake", () => {
  let fx: GatewayFixture;
  let fake: net.Server | undefined;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(async () => {
    fake?.close();
    await fx?.close();
  });

  /** Points the catalog entry at a fake server that does `onSocket` with each connection. */
  async function pointAtFake(onSocket: (s: net.Socket) => void, sslmode: "disable" | "prefer" = "disable") {
    fake?.close();
    fake = net.createServer((s) => {
      s.on("error", () => {});
      onSocket(s);
    });
    await new Promise<void>((resolve) => fake!.listen(0, "127.0.0.1", resolve));
    await fx.db.update(connections).set({ host: "127.0.0.1", port: (fake.address() as net.AddressInfo).port, sslmode }).where(eq(connections.id, fx.connectionId));
  }

  const signInError = async () => {
    const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, undefined, { application_name: "handshake" });
    const error = startup.at(-1)?.type === "E" ? startup.at(-1)! : await errorThenClose(client);
    const deadline = Date.now() + 3_000;
    while (!client.isClosed && Date.now() < deadline) await sleep(20);
    expect(client.isClosed).toBe(true);
    return error.decoded;
  };

  it("a target that accepts and closes at once, resets after the startup packet, or resets after AuthenticationOk: 08006 before the close", async () => {
    await pointAtFake((s) => s.end());
    expect(await signInError()).toMatchObject({ severity: "FATAL", code: "08006", message: 'Warden could not connect to connection "orders": the server closed the connection during sign-in' });
    await pointAtFake((s) => s.once("data", () => s.resetAndDestroy()));
    expect(await signInError()).toMatchObject({ severity: "FATAL", code: "08006", message: expect.stringMatching(/^Warden could not connect to connection "orders": the (connection failed|server closed the connection) during sign-in/) });
    await pointAtFake((s) =>
      s.once("data", () => {
        s.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]));
        setTimeout(() => s.resetAndDestroy(), 20);
      }),
    );
    expect(await signInError()).toMatchObject({ severity: "FATAL", code: "08006" });
  });

  it("a target that resets during the TLS request (sslmode=prefer): 08006", async () => {
    await pointAtFake((s) => s.once("data", () => s.resetAndDestroy()), "prefer");
    expect(await signInError()).toMatchObject({ severity: "FATAL", code: "08006", message: expect.stringMatching(/during the TLS request/) });
  });

  it("a target that says why it ends the connection (57P01 during startup): the client reads the server's own error", async () => {
    await pointAtFake((s) =>
      s.once("data", () => {
        s.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]));
        s.end(errorResponse({ severity: "FATAL", sqlState: "57P01", message: "terminating connection due to administrator command" }));
      }),
    );
    expect(await signInError()).toMatchObject({ severity: "FATAL", code: "57P01", message: "terminating connection due to administrator command" });
  });
});

describe("gateway: a target that drops a live session", () => {
  let p: ProbeFixture;
  beforeAll(async () => {
    p = await startProbeFixture();
  });
  afterAll(() => p?.close());

  async function backendOf(app: string, check: (b: { state: string | null; waitEvent: string | null }) => boolean) {
    return eventually(async () => (await upstreamBackends(p.target, app)).find(check));
  }

  it("pg_terminate_backend mid-statement: the client gets the server's 57P01, then the close", async () => {
    const c = await p.open("terminated-mid-statement");
    c.send(serialize.query("select pg_sleep(5)"));
    const b = await backendOf("terminated-mid-statement", (x) => x.waitEvent === "PgSleep");
    await p.target.query("select pg_terminate_backend($1)", [b.pid]);
    const error = await errorThenClose(c);
    expect(error.decoded).toMatchObject({ severity: "FATAL", code: "57P01", message: "terminating connection due to administrator command" });
  });

  it("pg_terminate_backend of an idle session, before its first statement: 57P01 reaches the client", async () => {
    const c = await p.open("terminated-idle");
    const b = await backendOf("terminated-idle", (x) => x.state === "idle");
    await p.target.query("select pg_terminate_backend($1)", [b.pid]);
    const error = await errorThenClose(c);
    expect(error.decoded).toMatchObject({ severity: "FATAL", code: "57P01" });
  });

  it("a network cut mid-statement (no word from the server): 08006 before the close", async () => {
    const [conn] = await p.fx.db.select().from(connections).where(eq(connections.id, p.fx.connectionId));
    const link = await openCuttableLink(conn.host, conn.port);
    await p.fx.db.update(connections).set({ host: "127.0.0.1", port: link.port }).where(eq(connections.id, p.fx.connectionId));
    try {
      const c = await p.open("cut-mid-statement");
      c.send(serialize.query("select pg_sleep(3)"));
      await backendOf("cut-mid-statement", (x) => x.waitEvent === "PgSleep");
      link.cut();
      const error = await errorThenClose(c);
      expect(sqlStateOf(error)).toBe("08006");
      expect(error.decoded).toMatchObject({ severity: "FATAL", message: expect.stringMatching(/connection to the database server was lost/) });
    } finally {
      await link.close();
      await p.fx.db.update(connections).set({ host: conn.host, port: conn.port }).where(eq(connections.id, p.fx.connectionId));
    }
  });
});
