import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, sessions, statements } from "@/drizzle/schema";
import { appendAuditEvents, chainAuditEvents, EMPTY_CHAIN } from "@/lib/audit/append-event";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { createDb, type Db } from "@/lib/db/create-db";
import { migrateStore } from "@/lib/db/migrate";
import { createTestDatabase } from "@/tests/test-database";

const MIGRATIONS = path.resolve(__dirname, "../../drizzle/migrations");
const DAY = 86_400_000;

/** A copy of the migrations folder that stops before 0008, to build a store as it was before partitioning. */
function migrationsUpTo0007(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-mig-"));
  fs.mkdirSync(path.join(dir, "meta"));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 7);
  fs.writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal));
  for (const e of journal.entries as { tag: string }[]) fs.copyFileSync(path.join(MIGRATIONS, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

describe("migration 0008 on a populated store", () => {
  let url: string;
  let db: Db;
  const sessionId = randomUUID();
  const ids: string[] = [];
  beforeAll(async () => {
    url = await createTestDatabase("mig");
    db = createDb(url);
    await migrate(db, { migrationsFolder: migrationsUpTo0007() });
    const { rows } = await db.execute<{ kind: string }>(sql`select relkind::text as kind from pg_class where relname = 'statements'`);
    expect(rows[0].kind).toBe("r");
    // Plain SQL: the schema in drizzle/ is the newest one, with columns later migrations add.
    await db.execute(sql`insert into sessions (id, connection_name, user_name, actor_kind, auth_method, client_address, is_tls, protocol_version, gateway_instance, recording_mode, started_at)
      values (${sessionId}, 'orders', 'dev@example.com', 'agent', 'token', '127.0.0.1', true, '3.0', 'test', 'strict', ${new Date(Date.now() - 30 * DAY).toISOString()}::timestamptz)`);
    for (let i = 0; i < 6; i++) {
      const id = randomUUID();
      ids.push(id);
      // Spread over three days, one of them a month back.
      const receivedAt = new Date(Date.now() - (i < 2 ? 30 : i < 4 ? 1 : 0) * DAY);
      await db.insert(statements).values({ id, sessionId, seq: i + 1, protocol: "simple", sql: `select ${i}`, kind: "read", command: "SELECT", receivedAt, rows: [[String(i)]], status: "ok", flags: ["x"] });
    }
    // The first event a month old (as if the trail had been running for a while).
    const events = Array.from({ length: 5 }, (_, i) => ({ actor: "a@example.com", action: "test.event", targetType: "thing", targetId: String(i), occurredAt: new Date(Date.now() - (i === 0 ? 30 : 0) * DAY) }));
    await db.insert(auditEvents).values(chainAuditEvents(events, EMPTY_CHAIN));
    await migrateStore(url);
  });
  afterAll(() => db.$client.end());

  it("turns both tables into partitioned ones, a partition for each day with rows and the coming week", async () => {
    const { rows } = await db.execute<{ name: string; kind: string }>(sql`select relname as name, relkind::text as kind from pg_class where relname in ('statements', 'audit_events', 'statements_unpartitioned', 'audit_events_unpartitioned') order by 1`);
    expect(rows).toEqual([
      { name: "audit_events", kind: "p" },
      { name: "statements", kind: "p" },
    ]);
    const { rows: parts } = await db.execute<{ name: string; n: number }>(sql`
      select c.relname as name, (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I', c.relname), false, true, '')))[1]::text::int as n
      from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'statements'::regclass order by 1`);
    const withRows = parts.filter((p) => p.n > 0).map((p) => p.n);
    expect(withRows.sort()).toEqual([2, 2, 2]);
    expect(parts.find((p) => p.name === "statements_default")?.n).toBe(0);
    expect(parts.length).toBeGreaterThanOrEqual(1 + 8 + 2);
  });

  it("keeps every row readable, by id, and the audit trail verifies", async () => {
    expect(await db.$count(statements)).toBe(6);
    const [one] = await db.select().from(statements).where(sql`id = ${ids[0]}`);
    expect(one).toMatchObject({ seq: 1, rows: [["0"]], status: "ok", flags: ["x"], decision: "forward" });
    expect(await verifyAuditChain(db)).toMatchObject({ isIntact: true, checked: 5, range: { firstSeq: 1, lastSeq: 5, anchor: { kind: "genesis" } } });
  });

  it("takes new rows, defaults included, and deletes statements with their session", async () => {
    await db.insert(statements).values({ id: randomUUID(), sessionId, seq: 7, protocol: "simple", sql: "select 7", kind: "read", command: "SELECT", receivedAt: new Date() });
    const [row] = await db.select().from(statements).where(sql`seq = 7`);
    expect(row).toMatchObject({ status: "running", relations: [], rowsTruncated: false, resultRowCount: 0 });
    await db.transaction((tx) => appendAuditEvents(tx, [{ actor: "a@example.com", action: "test.event", targetType: "thing" }]));
    expect((await verifyAuditChain(db)).lastSeq).toBe(6);
    await db.delete(sessions);
    expect(await db.$count(statements)).toBe(0);
    expect(await db.$count(auditEvents)).toBe(6);
  });
});
