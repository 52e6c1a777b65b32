import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { RawClient, types } from "./testing/raw-client";

/**
 * Issue 9, item 4: a NotificationResponse names the sending backend's process id, and clients
 * compare it with the one BackendKeyData gave them to skip their own notifications (pgjdbc,
 * psycopg, asyncpg, node-postgres applications). Through the gateway, that is the gateway's own
 * process id, never the upstream backend's; another session of the worker shows under its client's.
 */

function nextNotification(client: pg.Client, channel: string): Promise<pg.Notification> {
  return new Promise((resolve) => {
    const on = (n: pg.Notification) => {
      if (n.channel !== channel) return;
      client.off("notification", on);
      resolve(n);
    };
    client.on("notification", on);
  });
}

const processIdOf = (c: pg.Client) => (c as unknown as { processID: number }).processID;

describe("notifications carry the process id the gateway gave the client", () => {
  let fx: GatewayFixture;
  let direct: pg.Client;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    direct = new pg.Client({ connectionString: fx.targetAdminUrl });
    await direct.connect();
  });
  afterAll(async () => {
    await direct?.end().catch(() => {});
    await fx?.close();
  });

  it("a session's own notification names the client's process id, not its backend's (node-postgres)", async () => {
    const c = await fx.connect({ application_name: "notify-own" });
    try {
      const backendPid = Number((await c.query("select pg_backend_pid() as pid")).rows[0].pid);
      expect(processIdOf(c)).not.toBe(backendPid);
      await c.query("listen own_channel");
      const got = nextNotification(c, "own_channel");
      await c.query("notify own_channel, 'mine'");
      const n = await got;
      expect(n.payload).toBe("mine");
      expect(n.processId).toBe(processIdOf(c));
      // pg_notify in a transaction, delivered at commit, through the extended protocol.
      const again = nextNotification(c, "own_channel");
      await c.query("begin");
      await c.query("select pg_notify($1, $2)", ["own_channel", "at commit"]);
      await c.query("commit");
      expect(await again).toMatchObject({ payload: "at commit", processId: processIdOf(c) });
    } finally {
      await c.end();
    }
  });

  it("another Warden session's notification names that session's client process id", async () => {
    const listener = await fx.connect({ application_name: "notify-listener" });
    const sender = await fx.connect({ application_name: "notify-sender" });
    try {
      await listener.query("listen shared_channel");
      const got = nextNotification(listener, "shared_channel");
      await sender.query("notify shared_channel, 'from a neighbour'");
      const n = await got;
      expect(n.processId).toBe(processIdOf(sender));
      expect(n.processId).not.toBe(processIdOf(listener));
    } finally {
      await listener.end();
      await sender.end();
    }
  });

  it("a backend outside the gateway keeps its real process id", async () => {
    const listener = await fx.connect({ application_name: "notify-outside" });
    try {
      await listener.query("listen outside_channel");
      const got = nextNotification(listener, "outside_channel");
      const directPid = Number((await direct.query("select pg_backend_pid() as pid")).rows[0].pid);
      await direct.query("notify outside_channel, 'from outside'");
      const n = await got;
      expect(n.processId).toBe(directPid);
      expect(n.processId).not.toBe(processIdOf(listener));
    } finally {
      await listener.end();
    }
  });

  it("a raw client sees its BackendKeyData's process id on its own NotificationResponse", async () => {
    const { client, startup } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    try {
      const key = startup.find((m) => m.type === "K")!;
      const processId = key.frame.readInt32BE(5);
      client.send(serialize.query("listen raw_channel; notify raw_channel, 'raw'"));
      const answer = await client.until((m) => m.type === "Z");
      expect(types(answer)).toBe("CCAZ");
      const notification = answer.find((m) => m.type === "A")!;
      expect(notification.frame.readInt32BE(5)).toBe(processId);
      expect(notification.decoded).toMatchObject({ channel: "raw_channel", payload: "raw" });
    } finally {
      client.close();
    }
  });
});
