import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, tokens } from "@/drizzle/schema";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { listTokenPage } from "./list-token-page";
import { encodeTokenCursor } from "./token-cursor";

/**
 * Keyset paging of the token list against a real PostgreSQL: tokens minted within the same
 * millisecond (and even the same microsecond) are each listed exactly once, in order.
 */
describe("listTokenPage (real PostgreSQL)", () => {
  let db: Db;
  const hints: string[] = [];

  beforeAll(async () => {
    db = createDb(await createTestStore(), { max: 2 });
    const [conn] = await db.insert(connections).values({ name: "orders", host: "db", database: "orders", username: "app", allowedGroups: ["developer"], createdBy: "test" }).returning();
    const expiresAt = new Date(Date.now() + 3_600_000);
    // Times that differ below the millisecond, two of them equal: a millisecond cursor would skip or repeat some.
    const times = ["2026-12-07 10:00:00.000100+00", "2026-12-07 10:00:00.000200+00", "2026-12-07 10:00:00.000200+00", "2026-12-07 10:00:00.000900+00", "2026-12-07 10:00:01+00"];
    for (const [i, at] of times.entries()) {
      const hint = `wdn_${i}`;
      hints.push(hint);
      await db.insert(tokens).values({
        tokenHash: `hash-${i}`,
        hint,
        userName: i % 2 ? "dev@example.com" : "ops@example.com",
        connectionId: conn.id,
        createdBy: "test",
        createdAt: sql`${at}::timestamptz`,
        expiresAt,
      });
    }
  });
  afterAll(() => db.$client.end());

  it("walks every token once, newest first, two at a time", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const page = await listTokenPage(db, { limit: 2, cursor });
      expect(page.tokens.length).toBeLessThanOrEqual(2);
      seen.push(...page.tokens.map((t) => t.hint));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(hints));
    // Newest first: the one a second later, then the sub-millisecond ones in descending time.
    expect(seen[0]).toBe("wdn_4");
    expect(seen[1]).toBe("wdn_3");
    expect(seen[4]).toBe("wdn_0");
  });

  it("pages within a filter, and says when there is no next page", async () => {
    const first = await listTokenPage(db, { userName: "dev@example.com", limit: 1 });
    expect(first.tokens.map((t) => t.hint)).toEqual(["wdn_3"]);
    const second = await listTokenPage(db, { userName: "dev@example.com", limit: 1, cursor: first.nextCursor! });
    expect(second.tokens.map((t) => t.hint)).toEqual(["wdn_1"]);
    expect(second.nextCursor).toBeNull();
  });

  it("treats a cursor it did not hand out as the first page", async () => {
    const forged = encodeTokenCursor({ createdAt: "not a time", id: "x" });
    expect((await listTokenPage(db, { limit: 2, cursor: forged })).tokens.map((t) => t.hint)).toEqual(["wdn_4", "wdn_3"]);
  });
});
