import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { listApprovalRequests } from "@/lib/server/approvals/list-approval-requests";
import { startGatewayFixture, type GatewayFixture } from "../testing/gateway-fixture";
import { addPeople, REVIEWER } from "./testing/approval-fixtures";

/**
 * Dangerous statements, written to slip past policy, through a real gateway with the default policy.
 * A reviewer rejects every request as it appears, so "held" shows as the reviewer's rejection and
 * nothing destructive ever runs; the table is unchanged at the end.
 */
type Outcome = "held" | "blocked" | "forwarded";
type Case = { sql: string | pg.QueryConfig; outcome: Outcome; code?: string };

const asHuman: Case[] = [
  { sql: "/* tidy up */ DELETE FROM orders", outcome: "held" },
  { sql: "-- harmless\ndelete from orders -- where id = 1", outcome: "held" },
  { sql: 'DeLeTe FrOm "orders"', outcome: "held" },
  { sql: 'delete from U&"\\006frders"', outcome: "held" },
  { sql: "delete from orders where 1 = 1", outcome: "held" },
  { sql: "update orders set status = 'x' where id = id", outcome: "held" },
  { sql: "update orders set status = 'x' where true or id = 1", outcome: "held" },
  { sql: "with gone as (delete from orders returning *) select count(*) from gone", outcome: "held" },
  { sql: "with a as (with b as (update orders set status = 'x' returning *) select * from b) select * from a", outcome: "held" },
  { sql: "explain analyze delete from orders", outcome: "held" },
  { sql: "merge into orders o using (select 1 as id) s on true when matched then delete", outcome: "held" },
  { sql: "truncate orders", outcome: "held" },
  { sql: "TRUNCATE TABLE ONLY public.orders RESTART IDENTITY", outcome: "held" },
  { sql: "drop table orders", outcome: "held" },
  { sql: "alter table orders drop column status", outcome: "held" },
  { sql: "select 1; delete from orders", outcome: "held" },
  { sql: "select 'a;b'; /* ; */ drop table orders; select 2", outcome: "held" },
  { sql: "create function wipe() returns void language sql as 'delete from orders'", outcome: "held" },
  { sql: "create function wipe2() returns void language sql as $body$ truncate orders $body$", outcome: "held" },
  { sql: "prepare wipe_all as delete from orders; execute wipe_all", outcome: "held" },
  { sql: { text: "delete from orders where $1::boolean", values: [true] }, outcome: "held" },
  { sql: { text: "update orders set status = $1", values: ["x"] }, outcome: "held" },
  { sql: "drop database orders", outcome: "blocked" },
  { sql: "ALTER SYSTEM SET work_mem = '1GB'", outcome: "blocked" },
  { sql: "select 1; alter system reset all", outcome: "blocked" },
  { sql: "copy orders to program 'cat > /tmp/orders'", outcome: "blocked" },
  { sql: "copy orders from '/etc/passwd'", outcome: "blocked" },
  { sql: "select pg_catalog.\"pg_read_file\"('/etc/passwd')", outcome: "blocked" },
  { sql: 'select U&"pg\\005fread\\005ffile"(\'/etc/passwd\')', outcome: "blocked" },
  { sql: "SELECT PG_READ_BINARY_FILE('/etc/passwd')", outcome: "blocked" },
  { sql: "select * from orders where id = (select length(pg_read_file('/etc/passwd')))", outcome: "blocked" },
  { sql: "select lo_export(1, '/tmp/x')", outcome: "blocked" },
  { sql: "select pg_terminate_backend(pid) from pg_stat_activity", outcome: "blocked" },
  { sql: "select query_to_xml('select pg_read_file(''/etc/passwd'')', true, false, '')", outcome: "blocked" },
  { sql: "do $$ begin perform pg_read_file('/etc/passwd'); end $$", outcome: "blocked" },
  { sql: { text: "select pg_ls_dir($1)", values: ["/"] }, outcome: "blocked" },
  { sql: "delete orders", outcome: "blocked", code: "42601" },
  { sql: "execute never_prepared", outcome: "blocked", code: "26000" },
  { sql: "delete from orders where id = -1", outcome: "forwarded" },
  { sql: "select 'delete from orders; drop table orders' as text", outcome: "forwarded" },
  { sql: "select $$truncate orders$$ as text", outcome: "forwarded" },
  { sql: "explain delete from orders", outcome: "forwarded" },
];

const asAgent: Case[] = [
  { sql: "insert into orders (id, status) values (10, 'new')", outcome: "held" },
  { sql: "update orders set status = 'paid' where id = 1", outcome: "held" },
  { sql: "create table scratch (a int)", outcome: "held" },
  { sql: "do $$ begin null; end $$", outcome: "held" },
  { sql: "grant select on orders to public", outcome: "held" },
  { sql: "prepare p as update orders set status = 'x' where id = 1; execute p", outcome: "held" },
  { sql: "select 1 from (select 1) s; with x as (insert into orders values (11, 'x') returning 1) select * from x", outcome: "held" },
  { sql: { text: "insert into orders (id, status) values ($1, $2)", values: [12, "x"] }, outcome: "held" },
  { sql: "select pg_read_file('/etc/passwd')", outcome: "blocked" },
  { sql: "select count(*) from orders", outcome: "forwarded" },
  { sql: { text: "select status from orders where id = $1", values: [1] }, outcome: "forwarded" },
];

describe("gateway: the evasion corpus under the default policy", () => {
  let fx: GatewayFixture;
  let target: pg.Client;
  let isReviewing = true;
  let reviewing: Promise<void>;
  const rejected: string[] = [];

  beforeAll(async () => {
    fx = await startGatewayFixture();
    await addPeople(fx.db);
    target = new pg.Client({ connectionString: fx.targetAdminUrl });
    await target.connect();
    await target.query(`create table orders (id int primary key, status text not null); insert into orders values (1, 'new'), (2, 'paid'); alter table orders owner to ${fx.targetRole}`);
    // A reviewer who rejects everything, as it comes.
    reviewing = (async () => {
      while (isReviewing) {
        const { items } = await listApprovalRequests(fx.db, { status: "pending" });
        for (const r of items) {
          await decideApproval(fx.db, { requestId: r.id, reviewer: REVIEWER, decision: "reject", comment: "corpus" }).catch(() => {});
          rejected.push(r.sql);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
  });
  afterAll(async () => {
    isReviewing = false;
    await reviewing;
    await target?.end();
    await fx?.close();
  });

  async function run(client: pg.Client, c: Case) {
    const result = await client.query(c.sql as pg.QueryConfig).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    const label = typeof c.sql === "string" ? c.sql : c.sql.text;
    if (c.outcome === "forwarded") return expect(result, label).toBeNull();
    expect(result, label).not.toBeNull();
    if (c.outcome === "held") return expect(result, label).toMatchObject({ code: "42501", message: expect.stringMatching(new RegExp(`^Rejected by ${REVIEWER.email} .*: corpus$`)) });
    expect(result, label).toMatchObject({ code: c.code ?? "42501" });
    expect(result!.message, label).not.toMatch(/^Rejected by/);
  }

  it(`holds or blocks what the default policy says, for a person (${asHuman.length} statements)`, async () => {
    const c = await fx.connect({ application_name: "corpus-human" });
    c.on("error", () => {});
    for (const x of asHuman) await run(c, x);
    await c.end();
  });

  it(`holds every write of an agent however it is written (${asAgent.length} statements)`, async () => {
    const token = await fx.mintToken({ actorKind: "agent", agentName: "claude-code" });
    const c = await fx.connect({ password: token, application_name: "corpus-agent" });
    c.on("error", () => {});
    for (const x of asAgent) await run(c, x);
    await c.end();
  });

  it("let nothing destructive run", async () => {
    expect((await target.query("select id, status from orders order by id")).rows).toEqual([
      { id: 1, status: "new" },
      { id: 2, status: "paid" },
    ]);
    expect((await target.query("select count(*)::int as n from pg_proc where proname in ('wipe', 'wipe2')")).rows).toEqual([{ n: 0 }]);
    expect(rejected.length).toBeGreaterThanOrEqual(asHuman.filter((x) => x.outcome === "held").length + asAgent.filter((x) => x.outcome === "held").length);
  });
});
