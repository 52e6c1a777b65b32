import type { ClientBase } from "pg";
import { createRng, DEFAULT_SEED, generateCustomers, type FakeCustomer, type Rng } from "./fake-people";

/**
 * Creates and fills the demo target database (`customers`, `orders` in schema public) with
 * deterministic fake data. Idempotent: when `customers` already has rows nothing is written.
 */

export interface SeedDemoDatabaseOptions {
  /** Number of customers (default 5000). */
  customers?: number;
  /** Number of orders (default 50000). */
  orders?: number;
  /** PRNG seed; the same seed gives the same rows (apart from `now`). */
  seed?: number;
  /** End of the 3-year created_at window (default: the current time). */
  now?: Date;
}

export interface SeedDemoDatabaseResult {
  /** Rows in `customers` (inserted now, or already there when `created` is false). */
  customers: number;
  /** Rows in `orders` (inserted now, or already there when `created` is false). */
  orders: number;
  /** True when this call created the data; false when `customers` already had rows. */
  created: boolean;
}

export const ORDER_STATUSES = ["pending", "paid", "shipped", "refunded", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const DEMO_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS public.customers (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL UNIQUE,
  phone text,
  card_number text,
  national_id text,
  address text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS public.orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES public.customers(id),
  amount numeric(10,2) NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','paid','shipped','refunded','cancelled')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_customer_id_idx ON public.orders (customer_id);
`;

/** Rows per INSERT statement. */
const BATCH = 5000;

export interface FakeOrder {
  /** Index into the customers array the orders were generated for. */
  customerIndex: number;
  /** Decimal string with two places, e.g. "42.50". */
  amount: string;
  status: OrderStatus;
  createdAt: Date;
}

function pickStatus(rng: Rng, ageMs: number): OrderStatus {
  const r = rng.next();
  // Recent orders are mostly still open; old ones mostly shipped.
  if (ageMs < 3 * 24 * 3600 * 1000) return r < 0.45 ? "pending" : r < 0.85 ? "paid" : r < 0.95 ? "shipped" : "cancelled";
  return r < 0.02 ? "pending" : r < 0.1 ? "paid" : r < 0.88 ? "shipped" : r < 0.95 ? "refunded" : "cancelled";
}

/**
 * `count` orders for the given customers (skewed: some customers order far more than others),
 * each placed after its customer signed up, sorted by created_at.
 */
export function generateOrders(
  customers: readonly Pick<FakeCustomer, "createdAt">[],
  count: number,
  opts: { seed?: number; now?: Date } = {},
): FakeOrder[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`order count must be a non-negative integer (got ${count})`);
  if (count > 0 && customers.length === 0) throw new Error("cannot generate orders without customers");
  // A stream distinct from the customers' one, still derived from the same seed.
  const rng = createRng(((opts.seed ?? DEFAULT_SEED) ^ 0x5eed0bd5) >>> 0);
  const now = (opts.now ?? new Date()).getTime();
  const n = customers.length;
  const out: FakeOrder[] = [];
  for (let i = 0; i < count; i++) {
    const customerIndex = Math.min(n - 1, Math.floor(n * rng.next() ** 1.6));
    const since = customers[customerIndex]!.createdAt.getTime();
    const at = Math.floor((since + rng.next() * Math.max(0, now - since)) / 1000) * 1000;
    const cents = 500 + Math.floor(rng.next() ** 3 * 99_500); // 5.00 .. 999.99, mostly small
    out.push({
      customerIndex,
      amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
      status: pickStatus(rng, now - at),
      createdAt: new Date(at),
    });
  }
  return out.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

async function tableCounts(client: ClientBase): Promise<{ customers: number; orders: number }> {
  const { rows } = await client.query<{ customers: number; orders: number }>(
    "SELECT (SELECT count(*) FROM public.customers)::int AS customers, (SELECT count(*) FROM public.orders)::int AS orders",
  );
  return rows[0]!;
}

/**
 * Creates `customers` and `orders` if absent and, when `customers` is empty, fills them in one
 * transaction with batched `unnest` inserts. Safe to call concurrently (an advisory lock
 * serialises seeders) and repeatedly (later calls return `created: false`).
 */
export async function seedDemoDatabase(
  client: ClientBase,
  opts: SeedDemoDatabaseOptions = {},
): Promise<SeedDemoDatabaseResult> {
  const customerCount = opts.customers ?? 5000;
  const orderCount = opts.orders ?? 50_000;
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = opts.now ?? new Date();
  if (!Number.isInteger(customerCount) || customerCount < 0) throw new Error(`customers must be a non-negative integer (got ${customerCount})`);
  if (!Number.isInteger(orderCount) || orderCount < 0) throw new Error(`orders must be a non-negative integer (got ${orderCount})`);
  if (orderCount > 0 && customerCount === 0) throw new Error("orders need at least one customer");

  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('warden.demo.seed'))");
    await client.query(DEMO_SCHEMA_SQL);
    const { rows: existing } = await client.query("SELECT 1 FROM public.customers LIMIT 1");
    if (existing.length > 0) {
      const counts = await tableCounts(client);
      await client.query("COMMIT");
      return { ...counts, created: false };
    }

    const customers = generateCustomers(customerCount, { seed, now });
    const idByEmail = new Map<string, string>();
    for (let start = 0; start < customers.length; start += BATCH) {
      const batch = customers.slice(start, start + BATCH);
      const { rows } = await client.query<{ id: string; email: string }>(
        `INSERT INTO public.customers (name, email, phone, card_number, national_id, address, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         RETURNING id, email`,
        [
          batch.map((c) => c.name),
          batch.map((c) => c.email),
          batch.map((c) => c.phone),
          batch.map((c) => c.cardNumber),
          batch.map((c) => c.nationalId),
          batch.map((c) => c.address),
          batch.map((c) => c.createdAt.toISOString()),
        ],
      );
      for (const r of rows) idByEmail.set(r.email, String(r.id));
    }
    // Emails are unique, so they map each generated customer to the id PostgreSQL gave it.
    const ids = customers.map((c) => idByEmail.get(c.email)!);

    const orders = generateOrders(customers, orderCount, { seed, now });
    for (let start = 0; start < orders.length; start += BATCH) {
      const batch = orders.slice(start, start + BATCH);
      await client.query(
        `INSERT INTO public.orders (customer_id, amount, status, created_at)
         SELECT * FROM unnest($1::bigint[], $2::numeric[], $3::text[], $4::timestamptz[])`,
        [
          batch.map((o) => ids[o.customerIndex]),
          batch.map((o) => o.amount),
          batch.map((o) => o.status),
          batch.map((o) => o.createdAt.toISOString()),
        ],
      );
    }
    // Fresh statistics, so the demo's first queries get sensible plans.
    await client.query("ANALYZE public.customers; ANALYZE public.orders");
    await client.query("COMMIT");
    return { customers: customers.length, orders: orders.length, created: true };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
