import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { addPeople, pendingRequest, REVIEWER } from "../approvals/testing/approval-fixtures";
import { startMaskingFixture, type MaskingFixture } from "../masking/testing/masking-fixture";
import { copyQuery } from "../testing/copy-query";

/**
 * Copies of masked data (issue 13, item 2) through a real gateway with the demo policy: each write
 * that moves a masked column's values elsewhere is held for a reviewer by default, for people and
 * agents alike, with the reason "copies masked data from customers.email".
 */
function withLineage(lineage: Partial<PolicyDocument["masking"]["lineage"]> = {}, columnRules: PolicyDocument["masking"]["columnRules"] = []): PolicyDocument {
  const demo = demoPolicy();
  return { ...demo, masking: { ...demo.masking, columnRules: [...demo.masking.columnRules, ...columnRules], lineage: { ...demo.masking.lineage, ...lineage } } };
}

describe("lineage: copies of masked data", () => {
  let fx: MaskingFixture;
  const clients: pg.Client[] = [];
  const connect = async (o: Partial<pg.ClientConfig> = {}) => {
    const c = await fx.connect(o);
    c.on("error", () => {});
    clients.push(c);
    return c;
  };
  const leads = async () => (await fx.admin.query("select contact from leads order by contact")).rows.map((r) => r.contact);

  beforeAll(async () => {
    fx = await startMaskingFixture();
    await addPeople(fx.db);
    await fx.admin.query(`create table leads (id serial primary key, contact text); alter table leads owner to ${fx.targetRole};`);
    // Code whose writes lineage cannot see: a volatile function that copies (the default
    // volatility), a procedure, and an immutable function, which cannot write.
    await fx.admin.query(`
      create function stash_contacts() returns int language sql as 'insert into leads (contact) select email from customers returning 1';
      create procedure stash_cards() language sql as $$ insert into leads (contact) select card_number from customers $$;
      create function shout(t text) returns text language sql immutable as 'select upper(t)';
      alter function stash_contacts() owner to ${fx.targetRole};
      alter procedure stash_cards() owner to ${fx.targetRole};
      alter function shout(text) owner to ${fx.targetRole};`);
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await fx?.closeAll();
  });

  const WRITES: { sql: string; reason: string }[] = [
    { sql: "insert into leads (contact) select email from customers", reason: "copies masked data from customers.email" },
    { sql: "update customers set notes = card_number where id = 1", reason: "copies masked data from customers.card_number" },
    { sql: "update leads set contact = c.phone from customers c where c.id = leads.id", reason: "copies masked data from customers.phone" },
    { sql: "create table leads_copy as select name, national_id from customers", reason: "copies masked data from customers.national_id" },
    { sql: "select reverse(email) as r, card_number into leads_into from customers", reason: "copies masked data from customers.email, customers.card_number" },
    { sql: "copy (select id, upper(email) from customers) to stdout", reason: "copies masked data from customers.email" },
    { sql: "create view contact_list as select name, email, phone from customers", reason: "copies masked data from customers.email, customers.phone" },
    // Code whose writes lineage cannot see may copy as well: held under the same setting.
    { sql: "do $$ begin insert into leads (contact) select email from customers; end $$", reason: "may copy masked data: DO runs procedural code that cannot be traced" },
    { sql: "call stash_cards()", reason: "may copy masked data: CALL runs a procedure whose body cannot be traced" },
    { sql: "select stash_contacts()", reason: "may copy masked data: calls stash_contacts, a user function that may write" },
    { sql: "select id from customers where public.stash_contacts() > 0", reason: "may copy masked data: calls public.stash_contacts, a user function that may write" },
    { sql: "select * from stash_contacts()", reason: "may copy masked data: calls stash_contacts, a user function that may write" },
  ];

  for (const { sql, reason } of WRITES) {
    it(`holds ${sql} for a reviewer: "${reason}"`, async () => {
      const c = await connect();
      const run = sql.startsWith("copy") ? copyQuery(c, sql) : c.query(sql);
      const held = run.catch((e: Error) => e);
      const request = await pendingRequest(fx.db, sql);
      expect(request).toMatchObject({ ruleId: "masked-copies", reasons: [reason], reviewerGroups: ["reviewer"], minApprovals: 1, actorKind: "human" });
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "not here" });
      expect(await held).toMatchObject({ code: "42501", message: expect.stringMatching(/^Rejected by rita@example.com/) });
      // Nothing ran: no table, view or changed row.
      const exists = await fx.admin.query("select count(*)::int as n from pg_class where relname in ('leads_copy', 'leads_into', 'contact_list')");
      expect(exists.rows[0].n).toBe(0);
      expect((await fx.admin.query("select notes from customers where id = 1")).rows[0].notes).toBe("prefers email");
      expect(await leads()).toEqual([]);
    });
  }

  it("forwards an immutable user function (it cannot write), its result masked in full", async () => {
    const c = await connect();
    const { rows } = await c.query("select shout(email) as e from customers order by id limit 1");
    expect(rows).toEqual([{ e: "****" }]);
  });

  it("runs a held copy once a reviewer approves it", async () => {
    const c = await connect();
    const held = c.query("insert into leads (contact) select email from customers where id = 2");
    const request = await pendingRequest(fx.db, "insert into leads (contact) select email from customers where id = 2");
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    expect((await held).rowCount).toBe(1);
    expect(await leads()).toEqual(["bob.stone@example.org"]);
    await fx.admin.query("truncate leads");
  });

  it("holds an agent's copy once, with the approval rule's reasons and the copy's (no grant may approve it)", async () => {
    const agentToken = await fx.mintToken({ actorKind: "agent", agentName: "copier" });
    const c = await connect({ password: agentToken });
    const sql = "insert into leads (contact) select card_number from customers";
    const held = c.query(sql).catch((e: Error) => e);
    const request = await pendingRequest(fx.db, sql);
    expect(request.ruleId).toBe("hold-agent-writes");
    expect(request.reasons).toEqual([...request.reasons.slice(0, -1), "copies masked data from customers.card_number"]);
    expect(request.reasons.length).toBeGreaterThan(1);
    expect(request.allowGrants).toBe(false);
    await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    expect(await held).toMatchObject({ code: "42501" });
  });

  it("is no copy: into a column masked as the same type, into the session's temporary table, an exempt count, a COPY of a table", async () => {
    await fx.setPolicy(withLineage({}, [{ column: "public.leads.contact", semanticType: "email" }]));
    try {
      const c = await connect();
      expect((await c.query("insert into leads (contact) select email from customers where id = 1")).rowCount).toBe(1);
      // The copy stays masked where it went.
      expect((await c.query("select contact from leads")).rows).toEqual([{ contact: "a**@example.com" }]);
      await c.query("create temp table mine as select email from customers");
      expect((await c.query("insert into leads (contact) select count(card_number)::text from customers")).rowCount).toBe(1);
      const { tag } = await copyQuery(c, "copy customers (id, email) to stdout");
      expect(tag).toBe("COPY 2");
      // Another type into that column is a copy.
      const held = c.query("insert into leads (contact) select card_number from customers").catch((e: Error) => e);
      const request = await pendingRequest(fx.db, "insert into leads (contact) select card_number from customers");
      expect(request.reasons).toEqual(["copies masked data from customers.card_number"]);
      await decideApproval(fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
      await held;
    } finally {
      await fx.admin.query("truncate leads");
      await fx.setPolicy(demoPolicy());
    }
  });

  it("blocks copies with 42501 and the reason when the policy says block; allows them when it says allow", async () => {
    await fx.setPolicy(withLineage({ copies: "block" }));
    try {
      const c = await connect();
      await expect(c.query("insert into leads (contact) select email from customers")).rejects.toMatchObject({
        code: "42501",
        message: "Copies of masked data: copies masked data from customers.email",
      });
      expect(await leads()).toEqual([]);
      await fx.setPolicy(withLineage({ copies: "allow" }));
      expect((await c.query("insert into leads (contact) select email from customers where id = 1")).rowCount).toBe(1);
      expect(await leads()).toEqual(["ann@example.com"]);
    } finally {
      await fx.admin.query("truncate leads");
      await fx.setPolicy(demoPolicy());
    }
  });
});
