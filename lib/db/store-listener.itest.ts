import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/tests/test-database";
import { createStoreListener, STORE_CHANNELS } from "./store-listener";

async function waitFor<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("store listener", () => {
  let url: string;
  let admin: pg.Client;
  beforeAll(async () => {
    url = await createTestDatabase("listen");
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(() => admin.end());

  it("delivers notifications, survives the server dropping it, and closes promptly", async () => {
    const listener = createStoreListener(url, { retryMs: 100 });
    const got: string[] = [];
    let reconnects = 0;
    listener.on(STORE_CHANNELS.policyChanged, (p) => got.push(p));
    listener.onReconnect(() => reconnects++);
    await waitFor(() => (got.length ? true : (void admin.query(`select pg_notify($1, 'first')`, [STORE_CHANNELS.policyChanged]), undefined)));
    expect(got[0]).toBe("first");

    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'warden-listener' and datname = current_database()");
    await waitFor(() => (reconnects > 0 ? true : undefined));
    await admin.query(`select pg_notify($1, 'after-reconnect')`, [STORE_CHANNELS.policyChanged]);
    await waitFor(() => (got.includes("after-reconnect") ? true : undefined));

    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'warden-listener' and datname = current_database()");
    await listener.close();
    // Nothing of the listener stays connected after close, not even a reconnect that was under way.
    await new Promise((r) => setTimeout(r, 300));
    const { rows } = await admin.query("select count(*)::int as n from pg_stat_activity where application_name = 'warden-listener' and datname = current_database()");
    expect(rows[0].n).toBe(0);
  });
});
