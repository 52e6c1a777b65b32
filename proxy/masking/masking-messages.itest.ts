import type pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, pendingRequest, REVIEWER } from "../approvals/testing/approval-fixtures";
import { eventually } from "../testing/gateway-fixture";
import { RawClient } from "../testing/raw-client";
import { startMaskingFixture, type MaskingFixture } from "./testing/masking-fixture";

describe("masking: errors, notices and notifications that echo data", () => {
  let fx: MaskingFixture;
  let c: pg.Client;
  beforeAll(async () => {
    fx = await startMaskingFixture();
    c = await fx.connect({ application_name: "masking-messages" });
  });
  afterAll(async () => {
    await c?.end();
    await fx?.closeAll();
  });

  it("masks a unique violation's DETAIL by the column's rule; the connection stays usable", async () => {
    const err = await c.query("insert into customers (id, name, email) values (3, 'Eve', 'ann@example.com')").catch((e) => e);
    expect(err).toMatchObject({ code: "23505", table: "customers", constraint: "customers_email_key", detail: "Key (email)=(a**@example.com) already exists." });
    // The extended protocol answers the same way.
    const err2 = await c.query("insert into customers (id, name, email) values ($1, $2, $3)", [4, "Eve", "bob.stone@example.org"]).catch((e) => e);
    expect(err2).toMatchObject({ code: "23505", detail: "Key (email)=(b********@example.org) already exists." });
    expect((await c.query("select count(*)::int as n from customers")).rows).toEqual([{ n: 2 }]);
  });

  it("masks the values of a failing row (not-null violation) by the table's column rules", async () => {
    const err = await c.query("insert into customers (id, name, email, card_number) values (5, null, 'cy@example.net', '4111 1111 1111 1111')").catch((e) => e);
    expect(err).toMatchObject({ code: "23502", detail: "Failing row contains (5, null, c*@example.net, null, **** **** **** 1111, null, null)." });
  });

  it("masks values that a cast error echoes in its message, and records the masked message", async () => {
    const err = await c.query("select national_id::int from customers where id = 1").catch((e) => e);
    expect(err).toMatchObject({ code: "22P02", message: 'invalid input syntax for type integer: "[masked]"' });
    const recorded = await eventually(async () => (await fx.recorded("masking-messages", 1)).find((s) => s.sql.startsWith("select national_id::int")));
    expect(recorded).toMatchObject({ status: "error", errorCode: "22P02", errorMessage: 'invalid input syntax for type integer: "[masked]"' });
  });

  it("masks what a data error echoes of any value computed from a masked column, which no detector recognises", async () => {
    await fx.admin.query(`create function yell(t text) returns int stable language plpgsql as $$ begin raise exception 'got %', t; end $$; alter function yell(text) owner to ${fx.targetRole}`);
    const cases: { sql: string; code: string; leak: string }[] = [
      // A reversed card number fails Luhn, a reversed address is no address: the detectors miss both.
      { sql: "select reverse(card_number)::bigint from customers where id = 1", code: "22P02", leak: "1111 1111 1111 1114" },
      { sql: "select id from customers where reverse(email)::int > 0", code: "22P02", leak: "moc.elpmaxe@nna" },
      { sql: "select (select 1 from (select reverse(email)::int as x from customers) s where x > 0 limit 1)", code: "22P02", leak: "moc.elpmaxe@nna" },
      { sql: "select replace(card_number, ' ', '')::int from customers where id = 1", code: "22003", leak: "4111111111111111" },
      { sql: "select reverse(email)::json from customers where id = 1", code: "22P02", leak: "moc" },
      { sql: "select yell(reverse(email)) from customers where id = 1", code: "P0001", leak: "moc.elpmaxe@nna" },
    ];
    for (const { sql, code, leak } of cases) {
      const err = await c.query(sql).catch((e) => e);
      expect(err, sql).toMatchObject({ code });
      const text = [err.message, err.detail, err.hint, err.where].join("\n");
      expect(text, sql).not.toContain(leak);
      expect(text, sql).toContain("[masked]");
    }
    // A cursor's FETCH evaluates its query: the same.
    await c.query("begin");
    await c.query("declare leaky cursor for select reverse(card_number)::bigint from customers");
    const fetched = await c.query("fetch leaky").catch((e) => e);
    await c.query("rollback");
    expect(fetched).toMatchObject({ code: "22P02", message: 'invalid input syntax for type bigint: "[masked]"' });
    // A statement that reads no masked column keeps the server's words.
    expect(await c.query("select 'abc'::int").catch((e) => e)).toMatchObject({ code: "22P02", message: 'invalid input syntax for type integer: "abc"' });
    expect(await c.query("select name::int from customers where id = 1").catch((e) => e)).toMatchObject({ code: "22P02", message: 'invalid input syntax for type integer: "Ann Lee"' });
    // A Bind's error quotes the client's own parameter, whatever the statement reads: as the server wrote it.
    expect(await c.query("select email from customers where id = $1", ["not a number"]).catch((e) => e)).toMatchObject({ code: "22P02", message: 'invalid input syntax for type integer: "not a number"' });
  });

  it("masks a foreign key violation's DETAIL", async () => {
    await fx.admin.query(`create table referrals (email text references customers (email)); alter table referrals owner to ${fx.targetRole}`);
    const err = await c.query("insert into referrals values ('dan@example.com')").catch((e) => e);
    // The key column is referrals.email, which has no rule: the rule on a column of that name elsewhere counts.
    expect(err).toMatchObject({ code: "23503", detail: 'Key (email)=(d**@example.com) is not present in table "customers".' });
    await c.query("insert into referrals values ('ann@example.com')");
    const err2 = await c.query("delete from customers where id = 1").catch((e) => e);
    expect(err2).toMatchObject({ code: "23503", detail: 'Key (email)=(a**@example.com) is still referenced from table "referrals".' });
  });

  it("caught as a copy: a statement that sets a masked value as a reported parameter (ParameterStatus) is held; rejected, nothing is sent", async () => {
    await addPeople(fx.db);
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    try {
      // Lineage reads set_config(…, email, …) as a copy of the email into a setting, which the
      // server would report to the client unmasked: held for a reviewer (it once ran).
      const sql = "select set_config('application_name', email, false) as v from customers where id = 1";
      client.send(serialize.query(sql));
      const request = await pendingRequest(fx.db, sql);
      expect(request.reasons).toEqual(["copies masked data from customers.email"]);
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
      const answer = await client.readyCount(1);
      expect(answer.map((m) => m.type)).not.toContain("S");
      expect(answer.find((m) => m.type === "E")!.decoded).toMatchObject({ code: "42501" });
      expect(answer.map((m) => m.frame.toString("utf8")).join("")).not.toContain("ann@example.com");
    } finally {
      client.close();
    }
  });

  it("masks a notice raised with data, and a notification's payload", async () => {
    // pg_notify(…, email) copies the email to the listeners: held by default (above); allowed here.
    const demo = demoPolicy();
    await fx.setPolicy({ ...demo, masking: { ...demo.masking, lineage: { ...demo.masking.lineage, copies: "allow" } } });
    const notices: string[] = [];
    c.on("notice", (n) => notices.push(n.message ?? ""));
    await c.query("do $$ begin raise notice 'card on file: %', (select card_number from customers where id = 1); end $$");
    const payloads: string[] = [];
    c.on("notification", (n) => payloads.push(n.payload ?? ""));
    await c.query("listen contacts");
    await c.query("select pg_notify('contacts', email) from customers where id = 1");
    await eventually(async () => notices.length === 1 && payloads.length === 1);
    // Raised by code that read a masked column: the whole message is data.
    expect(notices).toEqual(["[masked]"]);
    expect(payloads).toEqual(["a**@example.com"]);
    await fx.setPolicy(demo);
  });
});
