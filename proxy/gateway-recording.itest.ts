import { asc, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements } from "@/drizzle/schema";
import { createDb } from "@/lib/db/create-db";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { setStoreReachable } from "./testing/store-outage";

async function targetCount(fx: GatewayFixture, table: string): Promise<number> {
  const c = new pg.Client({ connectionString: fx.targetAdminUrl });
  await c.connect();
  try {
    return (await c.query(`select count(*)::int as n from ${table}`)).rows[0].n;
  } finally {
    await c.end();
  }
}

describe("gateway: strict recording when the store goes away", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture({ recordingRetryMs: 100 });
  });
  afterAll(async () => {
    await setStoreReachable(fx.storeUrl, true);
    await fx?.close();
  });

  it("refuses statements it cannot record (they do not run) and recovers by itself when the store returns", async () => {
    const c = await fx.connect({ application_name: "strict-outage" });
    c.on("error", () => {});
    await c.query("create table ledger (n int)");
    await setStoreReachable(fx.storeUrl, false);
    try {
      const err = await c.query("insert into ledger values (1)").catch((e) => e);
      expect(err).toMatchObject({ code: "57P03", message: expect.stringMatching(/cannot record statements right now/) });
      const err2 = await c.query("select 1", []).catch((e) => e);
      expect(err2).toMatchObject({ code: "57P03" });
      expect(await targetCount(fx, "ledger")).toBe(0);
    } finally {
      await setStoreReachable(fx.storeUrl, true);
    }
    await eventually(async () => (await c.query("insert into ledger values (2)").then(() => true).catch(() => false)));
    expect(await targetCount(fx, "ledger")).toBe(1);
    await c.end();
    const db = createDb(fx.storeUrl, { max: 1 });
    db.$client.on("connect", (client) => client.on("error", () => {}));
    try {
      const [s] = await db.select().from(sessions).where(eq(sessions.applicationName, "strict-outage"));
      const rows = await eventually(async () => {
        const r = await db.select().from(statements).where(eq(statements.sessionId, s.id)).orderBy(asc(statements.seq));
        return r.at(-1)?.status === "ok" ? r : undefined;
      });
      // Only what ran is recorded: the create, then the insert after recovery (refused attempts in between are not).
      expect(rows.map((r) => r.sql)).toEqual(["create table ledger (n int)", ...rows.slice(1, -1).map((r) => r.sql), "insert into ledger values (2)"]);
      expect(rows.filter((r) => r.sql === "insert into ledger values (1)")).toEqual([]);
    } finally {
      await db.$client.end();
    }
  });
});

describe("gateway: async recording", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture({ recordingMode: "async", recordingRetryMs: 100 });
  });
  afterAll(async () => {
    await setStoreReachable(fx.storeUrl, true);
    await fx?.close();
  });

  it("queues records, refuses statements once the store is found unreachable, and writes every accepted statement's record later", async () => {
    const c = await fx.connect({ application_name: "async-outage" });
    c.on("error", () => {});
    await c.query("create table events (n int)");
    await setStoreReachable(fx.storeUrl, false);
    let accepted = 0;
    let refused: { code?: string } | undefined;
    try {
      for (let i = 0; i < 200 && !refused; i++) {
        await c.query(`insert into events values (${i})`).then(
          () => accepted++,
          (e) => (refused = e),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(refused).toMatchObject({ code: "57P03" });
    } finally {
      await setStoreReachable(fx.storeUrl, true);
    }
    expect(await targetCount(fx, "events")).toBe(accepted);
    await eventually(async () => (await c.query("select 1").then(() => true).catch(() => false)));
    await c.end();
    const db = createDb(fx.storeUrl, { max: 1 });
    db.$client.on("connect", (client) => client.on("error", () => {}));
    try {
      const recorded = await eventually(async () => {
        const [s] = await db.select().from(sessions).where(eq(sessions.applicationName, "async-outage"));
        if (!s?.endedAt) return undefined;
        const r = await db.select().from(statements).where(eq(statements.sessionId, s.id));
        return r;
      });
      // Every insert that ran has its record, written once the store was back.
      expect(recorded.filter((r) => r.sql.startsWith("insert into events") && r.status === "ok").length).toBe(accepted);
    } finally {
      await db.$client.end();
    }
  });
});
