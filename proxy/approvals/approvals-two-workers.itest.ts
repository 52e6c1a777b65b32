import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { createLogger } from "../log";
import { startGateway, type RunningGateway } from "../start-gateway";
import { cancelRequest } from "../protocol/frontend-serializers";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { addPeople, expireNow, pendingRequest, requestById, REVIEWER } from "./testing/approval-fixtures";

/** A CancelRequest on a fresh connection, as libpq sends it. */
function sendCancel(port: number, processId: number, secretKey: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.end(cancelRequest(processId, secretKey)));
    socket.on("error", () => resolve());
    socket.on("close", () => resolve());
    socket.resume();
  });
}

/**
 * Two gateway workers on one store. A reviewer's decision is written to the store once; it must
 * reach whichever worker holds the statement. The safety-net poll is turned off (ten minutes), so
 * only LISTEN/NOTIFY can deliver it: this test fails if that path does not work.
 */
describe("gateway: approvals across two workers", () => {
  const noPoll = { approvalPollMs: 10 * 60_000 };
  let fx: GatewayFixture;
  let second: RunningGateway;
  let dataDir: string;
  let target: pg.Client;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    fx = await startGatewayFixture(noPoll);
    await addPeople(fx.db);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-gw2-"));
    second = await startGateway(
      { DATABASE_URL: fx.storeUrl, WARDEN_SECRET_KEY: fx.secretKey, GATEWAY_PORT: 0, GATEWAY_HOST: "127.0.0.1", GATEWAY_TLS_CERT: undefined, GATEWAY_TLS_KEY: undefined, GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback", WARDEN_DATA_DIR: dataDir, LOG_LEVEL: "info" },
      { log: createLogger("error", () => {}), ...noPoll },
    );
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table jobs (id int primary key, state text not null); insert into jobs values (1, 'queued'), (2, 'queued'); alter table jobs owner to ${fx.targetRole}`);
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await target?.end();
    await second?.close();
    await fx?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const connectTo = async (port: number) => {
    const c = new pg.Client({ ...fx.clientConfig(), port });
    c.on("error", () => {});
    await c.connect();
    clients.push(c);
    return c;
  };

  it("delivers each decision to the worker that holds the statement, and only there", async () => {
    const onSecond = await connectTo(second.port);
    const onFirst = await connectTo(fx.gateway.port);
    let isFirstSettled = false;
    const heldOnSecond = onSecond.query("update jobs set state = 'done'");
    const heldOnFirst = onFirst
      .query("delete from jobs")
      .catch((e) => e)
      .finally(() => (isFirstSettled = true));
    const secondRequest = await pendingRequest(fx.db, "update jobs set state = 'done'");
    const firstRequest = await pendingRequest(fx.db, "delete from jobs");

    await decideApproval(fx.db, { requestId: secondRequest.id, reviewer: REVIEWER, decision: "approve" });
    expect((await heldOnSecond).rowCount).toBe(2);
    expect(isFirstSettled).toBe(false);
    expect(await requestById(fx.db, firstRequest.id)).toMatchObject({ status: "pending" });

    await decideApproval(fx.db, { requestId: firstRequest.id, reviewer: REVIEWER, decision: "reject", comment: "keep the jobs" });
    expect(await heldOnFirst).toMatchObject({ code: "42501", message: expect.stringMatching(/: keep the jobs$/) });
    expect((await target.query("select id, state from jobs order by id")).rows).toEqual([
      { id: 1, state: "done" },
      { id: 2, state: "done" },
    ]);
  });

  it("withdraws a held statement when its client's cancel request reaches the other worker", async () => {
    const c = await connectTo(second.port);
    const held = c.query("delete from jobs").catch((e) => e);
    const request = await pendingRequest(fx.db, "delete from jobs");
    // node-postgres keeps its BackendKeyData (protocol 3.0: a 4-byte secret).
    const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
    const key = Buffer.alloc(4);
    key.writeInt32BE(secretKey);
    await sendCancel(fx.gateway.port, processID, key);
    expect(await held).toMatchObject({ code: "57014", message: "canceling statement due to user request" });
    await eventually(async () => (await requestById(fx.db, request.id)).status === "withdrawn");
    expect((await c.query("select count(*)::int as n from jobs")).rows).toEqual([{ n: 2 }]);
  });

  it("times the statement out on the worker that holds it, when the store says the request has expired", async () => {
    const c = await connectTo(second.port);
    const held = c.query("truncate jobs").catch((e) => e);
    const request = await pendingRequest(fx.db, "truncate jobs");
    await expireNow(fx.db, request.id);
    expect(await held).toMatchObject({ code: "57014" });
    expect(await requestById(fx.db, request.id)).toMatchObject({ status: "timed_out" });
  });
});
