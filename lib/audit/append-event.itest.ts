import { asc } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { appendAuditEvent, appendAuditEvents } from "./append-event";
import { GENESIS_HASH, hashEvent } from "./hash-chain";

describe("audit trail", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
  });
  afterAll(() => db.$client.end());

  it("appends gap-free, chained events, also from concurrent writers", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction((tx) => appendAuditEvent(tx, { actor: `u${i}`, action: "test.write", targetType: "thing", after: { i, nested: { b: 1, a: 2 } } })),
      ),
    );
    await db.transaction((tx) => appendAuditEvents(tx, [1, 2, 3].map((n) => ({ actor: "batch", action: "test.batch", targetType: "thing", targetId: String(n) }))));
    const rows = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    let prev = GENESIS_HASH;
    for (const r of rows) {
      expect(r.prevHash).toBe(prev);
      const { hash, prevHash, occurredAt, ...rest } = r;
      expect(hashEvent(prevHash, { ...rest, occurredAt: occurredAt.toISOString() })).toBe(hash);
      prev = hash;
    }
  });

  it("rolls back with the change it records", async () => {
    const before = await db.$count(auditEvents);
    await expect(
      db.transaction(async (tx) => {
        await appendAuditEvent(tx, { actor: "x", action: "test.rollback", targetType: "thing" });
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await db.$count(auditEvents)).toBe(before);
  });
});
