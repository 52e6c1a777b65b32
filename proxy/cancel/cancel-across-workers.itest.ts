import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_CHANNELS } from "@/lib/db/store-listener";
import { createLogger } from "../log";
import { decodeBackendKeyData } from "../protocol/backend-decoders";
import { cancelRequest } from "../protocol/frontend-serializers";
import { ProtocolVersion } from "../protocol/message-codes";
import { startGateway, type RunningGateway } from "../start-gateway";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { RawClient } from "../testing/raw-client";
import { cancelSigningKey, encodeCancelSignal } from "./cancel-signal";

const SLEEP = "select pg_sleep(30)";

/** Sends a raw CancelRequest packet on a fresh connection, as libpq does, and waits for the close. */
function sendCancel(port: number, key: { processId: number; secretKey: Buffer }): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.end(cancelRequest(key.processId, key.secretKey)));
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
    socket.resume();
  });
}

/**
 * Two gateway workers on one store. A client signs in on worker A; its CancelRequest reaches worker
 * B (as it may behind a load balancer), which passes it on through the store to A.
 */
describe("gateway: CancelRequest across workers", () => {
  let fx: GatewayFixture;
  let workerB: RunningGateway;
  const logsB: Record<string, unknown>[] = [];
  let dataDirB: string;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    dataDirB = fs.mkdtempSync(path.join(os.tmpdir(), "warden-gw-b-"));
    workerB = await startGateway(
      {
        DATABASE_URL: fx.storeUrl,
        WARDEN_SECRET_KEY: fx.secretKey,
        GATEWAY_PORT: 0,
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_TLS_CERT: undefined,
        GATEWAY_TLS_KEY: undefined,
        GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback",
        WARDEN_DATA_DIR: dataDirB,
        LOG_LEVEL: "info",
      },
      { log: createLogger("info", (line) => logsB.push(JSON.parse(line))) },
    );
  });
  afterAll(async () => {
    await workerB?.close();
    await fx?.close();
    if (dataDirB) fs.rmSync(dataDirB, { recursive: true, force: true });
  });

  const waitUntilRunning = async (sql: string) => {
    const admin = new pg.Client({ connectionString: fx.targetAdminUrl });
    await admin.connect();
    try {
      await eventually(async () => (await admin.query("select 1 from pg_stat_activity where query = $1 and state = 'active'", [sql])).rowCount === 1);
    } finally {
      await admin.end();
    }
  };
  const matchedOnA = () => fx.logs.filter((l) => l.msg === "cancel request passed on by another worker").length;

  it("cancels pg_sleep(30) on worker A from a raw CancelRequest sent to worker B (protocol 3.2 key): 57014", async () => {
    expect(workerB.port).not.toBe(fx.gateway.port);
    const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, ProtocolVersion.V3_2);
    const key = decodeBackendKeyData(startup.find((m) => m.type === "K")!.frame);
    expect(key.secretKey.length).toBe(32);
    client.send(serialize.query(SLEEP));
    await waitUntilRunning(SLEEP);

    // A worker's store listener subscribes in the background after start; a client would not resend,
    // but the test must not depend on when that happened.
    let answer: Awaited<ReturnType<RawClient["until"]>> | undefined;
    for (let attempt = 0; attempt < 20 && !answer; attempt++) {
      await sendCancel(workerB.port, key);
      answer = await client.until((m) => m.type === "Z", 1500).catch(() => undefined);
    }
    expect(answer?.find((m) => m.type === "E")?.decoded).toMatchObject({ code: "57014", message: "canceling statement due to user request" });
    expect(logsB.some((l) => l.msg === "cancel request for a key of another worker passed on")).toBe(true);
    expect(matchedOnA()).toBeGreaterThanOrEqual(1);

    // The session stays usable.
    client.send(serialize.query("select 'usable' as s"));
    const next = await client.until((m) => m.type === "Z");
    expect(next.find((m) => m.type === "D")?.decoded).toMatchObject({ fields: ["usable"] });
    client.close();
  });

  it("cancels a node-postgres query whose client cancels through worker B (protocol 3.0 key)", async () => {
    const victim = await fx.connect({ application_name: "cancel-victim-a" });
    const query = new pg.Query(SLEEP);
    const result = new Promise((resolve, reject) => {
      query.on("end", resolve);
      query.on("error", reject);
    });
    void victim.query(query as unknown as pg.QueryConfig);
    await waitUntilRunning(SLEEP);
    const canceller = new pg.Client(fx.clientConfig({ port: workerB.port }));
    (canceller as unknown as { cancel(c: pg.Client, q: pg.Query): void }).cancel(victim, query);
    await expect(result).rejects.toMatchObject({ code: "57014" });
    expect((await victim.query("select 'usable' as s")).rows).toEqual([{ s: "usable" }]);
    await victim.end();
  });

  it("acts on no wrong key, forged, stale or foreign-signed signal: only the genuine request cancels", async () => {
    const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, ProtocolVersion.V3_0);
    const key = decodeBackendKeyData(startup.find((m) => m.type === "K")!.frame);
    client.send(serialize.query(SLEEP));
    await waitUntilRunning(SLEEP);
    const before = matchedOnA();
    const passedOnByB = () => logsB.filter((l) => l.msg === "cancel request for a key of another worker passed on").length;
    const publishedBefore = passedOnByB();

    // A wrong key through worker B: B cannot place it and passes it on; A must not act on it.
    const wrongKey = Buffer.from(key.secretKey);
    wrongKey[0] ^= 0x5a;
    await sendCancel(workerB.port, { processId: key.processId, secretKey: wrongKey });
    await eventually(async () => passedOnByB() > publishedBefore);
    // Signals written straight into the store by someone without the right key or secret, or too old.
    const store = new pg.Client({ connectionString: fx.storeUrl });
    await store.connect();
    const signingKey = cancelSigningKey(fx.secretKey);
    const forged = [
      `v1:${key.processId}:${Date.now()}:${"A".repeat(43)}`,
      encodeCancelSignal(cancelSigningKey(Buffer.alloc(32, 7)), key.processId, key.secretKey),
      encodeCancelSignal(signingKey, key.processId, key.secretKey, Date.now() - 10 * 60_000),
      key.secretKey.toString("hex"),
    ];
    for (const payload of forged) await store.query("select pg_notify($1, $2)", [STORE_CHANNELS.cancelRequested, payload]);
    await store.end();

    // Then the genuine request: notifications arrive in order on A's listener, so by the time it acts
    // on this one it has seen (and ignored) every one above.
    let answer: Awaited<ReturnType<RawClient["until"]>> | undefined;
    for (let attempt = 0; attempt < 20 && !answer; attempt++) {
      await sendCancel(workerB.port, key);
      answer = await client.until((m) => m.type === "Z", 1500).catch(() => undefined);
    }
    expect(answer?.find((m) => m.type === "E")?.decoded).toMatchObject({ code: "57014" });
    expect(matchedOnA() - before).toBe(1);
    client.close();
  });
});
