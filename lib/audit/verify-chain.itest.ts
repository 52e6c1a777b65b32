import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/create-db";
import { createTestStore } from "@/tests/test-database";
import { appendAuditEvents } from "./append-event";
import { verifyAuditChain } from "./verify-chain";

describe("verifyAuditChain", () => {
  let db: Db;
  beforeAll(async () => {
    db = createDb(await createTestStore());
    await db.transaction((tx) =>
      appendAuditEvents(tx, Array.from({ length: 12 }, (_, i) => ({ actor: "a@example.com", action: "test.event", targetType: "thing", targetId: String(i), after: { i } }))),
    );
  });
  afterAll(() => db.$client.end());

  it("passes an untouched trail, across pages", async () => {
    const report = await verifyAuditChain(db, { pageSize: 5 });
    expect(report).toMatchObject({ isIntact: true, checked: 12, lastSeq: 12, problems: [] });
    // Nothing dropped by retention: the check starts at the first event ever.
    expect(report.range).toMatchObject({ firstSeq: 1, lastSeq: 12, firstOccurredAt: expect.any(String), anchor: { kind: "genesis" } });
  });

  it("finds an edited event, and a deleted one", async () => {
    await db.execute(sql`update audit_events set actor = 'mallory@example.com' where seq = 4`);
    let report = await verifyAuditChain(db);
    expect(report.isIntact).toBe(false);
    expect(report.problems).toEqual([{ seq: 4, problem: "altered", detail: expect.any(String) }]);

    await db.execute(sql`delete from audit_events where seq = 8`);
    report = await verifyAuditChain(db);
    expect(report.problems.map((p) => [p.seq, p.problem])).toEqual([
      [4, "altered"],
      [9, "gap"],
      [9, "broken_link"],
    ]);
  });
});
