import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { createLogger } from "../log";
import { startGateway, type RunningGateway } from "../start-gateway";
import { eventually, startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { addPeople, collectNotices, pendingRequest, requestById, REVIEWER } from "./testing/approval-fixtures";

type Posted = { text: string; blocks: { type: string; text?: { text: string } }[] };

/** WARDEN_APPROVAL_WEBHOOK_URL: the gateway announces held statements (and the ones it closes), in Slack's format. */
describe("gateway: the approval webhook", () => {
  let fx: GatewayFixture;
  let gateway: RunningGateway;
  let dataDir: string;
  let hook: http.Server;
  let status = 200;
  const posted: Posted[] = [];
  const logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        posted.push(JSON.parse(body));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-gw-hook-"));
    gateway = await startGateway(
      {
        DATABASE_URL: fx.storeUrl,
        WARDEN_SECRET_KEY: fx.secretKey,
        GATEWAY_PORT: 0,
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_TLS_CERT: undefined,
        GATEWAY_TLS_KEY: undefined,
        GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: "loopback",
        WARDEN_DATA_DIR: dataDir,
        LOG_LEVEL: "info",
        PUBLIC_URL: "https://warden.example.com",
        WARDEN_APPROVAL_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/slack`,
      },
      { log: createLogger("warn", (line) => logs.push(JSON.parse(line))) },
    );
    const target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table items (id int); alter table items owner to ${fx.targetRole}`);
    await target.end();
  });
  afterAll(async () => {
    await gateway?.close();
    await fx?.close();
    await new Promise((r) => hook?.close(r));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("announces a held statement with a link to it, and the decision the reviewer's service sends", async () => {
    const c = new pg.Client({ ...fx.clientConfig(), port: gateway.port });
    await c.connect();
    const notices = collectNotices(c);
    const held = c.query("delete from items");
    const request = await pendingRequest(fx.db, "delete from items");
    const announced = await eventually(async () => posted.find((p) => p.text.includes(request.id)));
    // The fixture's token was minted by "test": the subject and the minter are both named.
    expect(announced.text).toBe(`Warden: a statement by ${fx.email} (human, minted by test) on ${fx.connectionName} needs approval: https://warden.example.com/approvals/${request.id}`);
    expect(announced.blocks.map((b) => b.type)).toEqual(["section", "section", "context"]);
    expect(announced.blocks[1].text?.text).toBe("```delete from items```");
    await eventually(async () => notices.messages.some((m) => m.includes(`https://warden.example.com/approvals/${request.id}`)));

    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" }, { webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/slack`, publicUrl: "https://warden.example.com" });
    await held;
    expect(posted.filter((p) => p.text.includes(request.id)).map((p) => p.text.match(/ (needs approval|was approved):/)?.[1])).toEqual(["needs approval", "was approved"]);
    await c.end();
  });

  it("announces a request the client withdrew; a failing webhook is logged and changes nothing for the client", async () => {
    status = 503;
    const c = new pg.Client({ ...fx.clientConfig(), port: gateway.port });
    c.on("error", () => {});
    await c.connect();
    void c.query("truncate items").catch(() => {});
    const request = await pendingRequest(fx.db, "truncate items");
    await c.end();
    await eventually(async () => (await requestById(fx.db, request.id)).status === "withdrawn");
    await eventually(async () => posted.some((p) => p.text.includes(request.id) && p.text.includes("was withdrawn by the client")));
    await eventually(async () => logs.some((l) => l.msg === "approval webhook failed" && l.error === "webhook answered 503 Service Unavailable"));
  });
});
