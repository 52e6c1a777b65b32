import { createHmac } from "node:crypto";
import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveKey } from "@/lib/crypto/credentials";
import { MASKING_HASH_KEY_PURPOSE } from "@/lib/crypto/masking-key";
import { defaultPolicy, demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { expireNow, pendingRequest } from "../approvals/testing/approval-fixtures";
import { eventually } from "../testing/gateway-fixture";
import { RawClient, types } from "../testing/raw-client";
import { startMaskingFixture, type MaskingFixture } from "./testing/masking-fixture";

async function expectRows(c: pg.Client, sql: string | pg.QueryConfig, expected: unknown[]) {
  expect((await c.query(sql)).rows).toEqual(expected);
}

/** Binary results for every column (node-postgres supports `binary`; its types do not say so). */
function binary(text: string, values: unknown[]): pg.QueryConfig {
  return { text, values, binary: true } as pg.QueryConfig;
}

function withMasking(changes: Partial<PolicyDocument["masking"]>, base: PolicyDocument = demoPolicy()): PolicyDocument {
  return { ...base, masking: { ...base.masking, ...changes } };
}

/** The demo policy's masks of the two customers' values. */
const MASKED = {
  ann: { email: "a**@example.com", phone: "+*********23", card: "**** **** **** 1111", nationalId: "***-**-6789" },
  bob: { email: "b********@example.org", phone: "(***) ***-**42", card: "****-****-****-0004", nationalId: "***-**-7890" },
};

describe("masking: result rows through real clients", () => {
  let fx: MaskingFixture;
  let c: pg.Client;
  beforeAll(async () => {
    fx = await startMaskingFixture();
    c = await fx.connect({ application_name: "masking-results" });
  });
  afterAll(async () => {
    await c?.end();
    await fx?.closeAll();
  });

  it("masks ruled columns in the simple protocol (text format)", async () => {
    const r = await c.query("select id, name, email, phone, card_number, national_id, notes from customers order by id");
    expect(r.rows).toEqual([
      { id: 1, name: "Ann Lee", email: MASKED.ann.email, phone: MASKED.ann.phone, card_number: MASKED.ann.card, national_id: MASKED.ann.nationalId, notes: "prefers email" },
      { id: 2, name: "Bob Stone", email: MASKED.bob.email, phone: MASKED.bob.phone, card_number: MASKED.bob.card, national_id: MASKED.bob.nationalId, notes: null },
    ]);
  });

  it("masks ruled columns in the extended protocol, text and binary results", async () => {
    const text = await c.query({ text: "select email, card_number from customers where id = $1", values: [1] });
    expect(text.rows).toEqual([{ email: MASKED.ann.email, card_number: MASKED.ann.card }]);
    // Binary results: text-like types are masked in place.
    const bin = await c.query(binary("select id, email, card_number from customers where id = $1", [2]));
    expect(bin.rows[0].email).toBe(MASKED.bob.email);
    expect(bin.rows[0].card_number).toBe(MASKED.bob.card);
  });

  it("reads names as committed: a column renamed in the client's open transaction stays masked", async () => {
    await c.query("begin");
    try {
      await c.query("alter table customers rename column card_number to cc");
      expect((await c.query("select cc from customers where id = 1")).rows).toEqual([{ cc: MASKED.ann.card }]);
    } finally {
      await c.query("rollback");
    }
    expect((await c.query("select card_number from customers where id = 1")).rows).toEqual([{ card_number: MASKED.ann.card }]);
  });

  it("masks an Execute whose columns were described in an earlier round trip, after the catalog cache was dropped", async () => {
    // JDBC's way: Parse and Describe the statement once, later Bind and Execute without a Describe.
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    try {
      client.send(serialize.parse({ name: "s1", text: "select email from customers where id = 1" }), serialize.describe({ type: "S", name: "s1" }), serialize.sync());
      await client.readyCount(1);
      // DDL through the gateway drops the connection's catalog cache: the rows below wait for a lookup.
      client.send(serialize.query("create table unrelated (n int)"));
      await client.readyCount(1);
      client.send(serialize.bind({ statement: "s1" }), serialize.execute({}), serialize.sync());
      const answer = await client.readyCount(1);
      expect(types(answer)).toBe("2DCZ");
      expect((answer[1]!.decoded as unknown as { fields: string[] }).fields).toEqual([MASKED.ann.email]);
    } finally {
      client.close();
    }
  });

  it("hashes with the installation's key, derived from WARDEN_SECRET_KEY for masking only", async () => {
    await fx.setPolicy(withMasking({ semanticTypes: [{ id: "email", label: "Email", method: { algorithm: "hash" } }] }));
    try {
      const key = deriveKey(fx.secretKey, MASKING_HASH_KEY_PURPOSE);
      const expected = (v: string) => `h:${createHmac("sha256", key).update(v).digest("hex").slice(0, 16)}`;
      await expectRows(c, "select email from customers order by id", [{ email: expected("ann@example.com") }, { email: expected("bob.stone@example.org") }]);
    } finally {
      await fx.setPolicy(demoPolicy());
    }
  });

  it("nulls a masked binary value of a non-text type", async () => {
    await fx.setPolicy(withMasking({ columnRules: [...demoPolicy().masking.columnRules, { column: "public.customers.id", semanticType: "secret" }] }));
    try {
      await expectRows(c, binary("select id, email from customers where id = $1", [1]), [{ id: null, email: MASKED.ann.email }]);
      // In text format the masked text is sent as it is (node-postgres then reads "[redacted]" as an int: NaN).
      const raw = await c.query({ text: "select id from customers where id = 1", rowMode: "array", types: { getTypeParser: () => (v: string) => v } });
      expect(raw.rows).toEqual([["[redacted]"]]);
    } finally {
      await fx.setPolicy(demoPolicy());
    }
  });

  it("follows a column through aliases, subqueries, CTEs, views and partitions", async () => {
    await fx.admin.query(`
      create view customer_contacts as select id, email as contact from customers;
      create table accounts (id int, email text) partition by range (id);
      create table accounts_low partition of accounts for values from (0) to (100);
      insert into accounts values (1, 'ann@example.com');
      alter view customer_contacts owner to ${fx.targetRole};
      alter table accounts owner to ${fx.targetRole};
      alter table accounts_low owner to ${fx.targetRole};`);
    // Detectors off: only the column rules can mask here.
    const rules = [
      ...demoPolicy().masking.columnRules,
      { column: "public.accounts.email", semanticType: "email" },
      { column: "public.legacy.email", semanticType: "email" },
      { column: "public.customers.backup_card", semanticType: "card_number" },
    ];
    await fx.setPolicy(withMasking({ detectors: [], columnRules: rules }));
    try {
      await expectRows(c, "select email from accounts_low", [{ email: MASKED.ann.email }]);
      const cases = [
        "select card_number as x from customers where id = 1",
        "select x from (select card_number as x from customers) s where s.x like '4%'",
        "with s as (select card_number as x from customers where id = 1) select x from s",
      ];
      for (const q of cases) expect((await c.query(q)).rows, q).toEqual([{ x: MASKED.ann.card }]);
      expect((await c.query("select contact from customer_contacts where id = 1")).rows).toEqual([{ contact: MASKED.ann.email }]);
      expect((await c.query("select email from accounts where id = 1")).rows).toEqual([{ email: MASKED.ann.email }]);
      // Caught without detectors: lineage traces a computed column to its source (masked in full).
      expect((await c.query("select upper(card_number) as x from customers where id = 1")).rows).toEqual([{ x: "****" }]);
      // Not caught: a copy of the data in another table is outside the column rules.
      await fx.admin.query(`create table customers_copy as select * from customers; alter table customers_copy owner to ${fx.targetRole}`);
      expect((await c.query("select card_number from customers_copy where id = 1")).rows).toEqual([{ card_number: "4111 1111 1111 1111" }]);
      // Not caught: plain inheritance (only partition roots are followed).
      await fx.admin.query(`create table legacy (email text); create table legacy_child () inherits (legacy); insert into legacy_child values ('ann@example.com');
        alter table legacy owner to ${fx.targetRole}; alter table legacy_child owner to ${fx.targetRole}`);
      expect((await c.query("select email from legacy")).rows).toEqual([{ email: MASKED.ann.email }]);
      expect((await c.query("select email from legacy_child")).rows).toEqual([{ email: "ann@example.com" }]);
      // A ruled column the client adds in its open transaction: the catalog connection sees committed
      // names only, so lineage cannot trace it; undetermined, it is masked in full (it once passed).
      await c.query("begin");
      try {
        await c.query("alter table customers add column backup_card text default '4111 1111 1111 1111'");
        expect((await c.query("select backup_card from customers where id = 1")).rows).toEqual([{ backup_card: "****" }]);
      } finally {
        await c.query("rollback");
      }
    } finally {
      await fx.setPolicy(demoPolicy());
    }
  });

  /**
   * The README's table, case by case (its other rows are the tests above, the lineage corpus in
   * proxy/lineage/lineage-corpus.itest.ts, and the other masking and lineage itests). Caught: no
   * raw value of Ann's, nor its reversal, base64 or hex, reaches the client. Not caught: the raw
   * answer that does.
   */
  describe("the README's table, case by case", () => {
    const ANN_RAW = ["ann@example.com", "+14155550123", "4111 1111 1111 1111", "4111111111111111", "123-45-6789", "123456789"];
    const ANN_TRACES = ANN_RAW.flatMap((v) => [v, [...v].reverse().join(""), Buffer.from(v).toString("base64"), Buffer.from(v).toString("hex")]).map((v) => v.toLowerCase());
    const leaks = (rows: unknown[]) => ANN_TRACES.filter((v) => JSON.stringify(rows).toLowerCase().includes(v));
    /** As the wire's text, unparsed: a masked boolean or record is not one any more. */
    const asText = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
    const noDetectors = () => withMasking({ detectors: demoPolicy().masking.detectors.map((d) => ({ ...d, isEnabled: false })) });

    describe("with every detector off: lineage alone", () => {
      beforeAll(() => fx.setPolicy(noDetectors()));
      afterAll(() => fx.setPolicy(demoPolicy()));

      // Computed from a ruled column: the type's mask for transformed values (full), whatever the shape.
      const inFull = [
        "select upper(email) as v from customers where id = 1",
        "select email || '' as v from customers where id = 1",
        "select concat_ws(' ', 'call', phone) as v from customers where id = 1",
        "select upper(card_number) as v from customers where id = 1",
        "select substr(card_number, 1, 12) as v from customers where id = 1",
        "select replace(card_number, ' ', '.') as v from customers where id = 1",
        "select replace(national_id, '-', '') as v from customers where id = 1",
        "select reverse(email) as v from customers where id = 1",
        "select encode(convert_to(email, 'UTF8'), 'base64') as v from customers where id = 1",
        "select (card_number like '4111%') as v from customers where id = 1",
        "select replace(card_number, ' ', '')::bigint as v from customers where id = 1",
        "select string_agg(email, ',') as v from customers where id = 1",
      ];
      for (const sql of inFull) {
        it(`caught by lineage: ${sql}`, async () => {
          const r = await c.query({ text: sql, rowMode: "array", types: asText });
          expect(r.rows).toEqual([["****"]]);
        });
      }

      // Whole-row references and aggregates of values: the whole value is masked.
      const whole = [
        "select row_to_json(c) as v from customers c where id = 1",
        "select json_agg(c) as v from customers c",
        "select to_jsonb(c) as v from customers c where id = 1",
        "select c as v from customers c where id = 1",
        "select array_agg(email) as v from customers",
        "select string_agg(card_number || ';' || national_id, ',') as v from customers",
      ];
      for (const sql of whole) {
        it(`caught by lineage: ${sql}`, async () => {
          const r = await c.query({ text: sql, rowMode: "array", types: asText });
          expect(r.rows.length).toBe(1);
          const direct = await fx.admin.query({ text: sql, rowMode: "array", types: asText });
          expect(r.rows[0][0]).not.toBe(direct.rows[0][0]);
          expect(leaks(r.rows)).toEqual([]);
        });
      }

      it("a record or bigint computed from a ruled column is NULL in binary", async () => {
        const r = await c.query(binary("select replace(card_number, ' ', '')::bigint as n, c as r, id from customers c where id = $1", [1]));
        expect(r.rows).toEqual([{ n: null, r: null, id: 1 }]);
      });

      it("a computed column with no ruled source is masked by a name pattern; not where nothing names it", async () => {
        await expectRows(c, "select upper(notes) as v from customers where id = 1", [{ v: "PREFERS EMAIL" }]);
        await fx.setPolicy(withMasking({ detectors: noDetectors().masking.detectors, namePatterns: [{ pattern: "*mail*", semanticType: "secret" }] }));
        try {
          await expectRows(c, "select upper(notes) as email from customers where id = 1", [{ email: "[redacted]" }]);
          // Where a ruled column feeds it, lineage's mask wins over the pattern's.
          await expectRows(c, "select upper(email) as email from customers where id = 1", [{ email: "****" }]);
          // A pattern names constants too (detectors never look at them).
          await expectRows(c, "select 'hello' as email", [{ email: "[redacted]" }]);
        } finally {
          await fx.setPolicy(noDetectors());
        }
      });
    });

    it("uses a semantic type's transformedMethod for computed values", async () => {
      await fx.setPolicy(withMasking({ semanticTypes: [{ id: "email", label: "Email", method: { algorithm: "partial", keepFirst: 1 }, transformedMethod: { algorithm: "hash" } }] }));
      try {
        const r = await c.query("select lower(email) as v, email from customers order by id");
        expect(r.rows.map((row) => row.v)).toEqual([expect.stringMatching(/^h:[0-9a-f]{16}$/), expect.stringMatching(/^h:[0-9a-f]{16}$/)]);
        expect(r.rows[0].v).not.toBe(r.rows[1].v);
        expect(r.rows.map((row) => row.email)).toEqual([MASKED.ann.email, MASKED.bob.email]);
      } finally {
        await fx.setPolicy(demoPolicy());
      }
    });

    it("not masked: exempt aggregates, with every detector on; a constant has no lineage, so the detectors search it", async () => {
      const { rows } = await c.query("select count(email)::int as n, count(distinct email)::int as d, bool_or(email like '%z%') as b, 'ann@example.com' as lit, '4111 1111 1111 1111' as card, 'hello' as word from customers");
      expect(rows).toEqual([{ n: 2, d: 2, b: false, lit: expect.stringMatching(/^a\*+@example\.com$/), card: expect.stringMatching(/^[* ]+1111$/), word: "hello" }]);
    });

    it("undetermined: a user's function over customers is masked in full, or refused under undetermined: refuse", async () => {
      await fx.admin.query(`create function readme_email(i int) returns text language sql stable as $$ select email from customers where id = i $$; alter function readme_email(int) owner to ${fx.targetRole}`);
      await expectRows(c, "select readme_email(1) as v, name from customers where id = 1", [{ v: "****", name: "Ann Lee" }]);
      await expectRows(c, "select query_to_xml('select email from customers', true, false, '') as x", [{ x: "****" }]);
      await fx.setPolicy(withMasking({ lineage: { ...demoPolicy().masking.lineage, undetermined: "refuse" } }));
      try {
        await expect(c.query("select readme_email(1) as v")).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(/^Undetermined lineage/) });
      } finally {
        await fx.setPolicy(demoPolicy());
      }
    });

    it("held as copies: pg_notify's payload of a masked column (set_config: masking-messages.itest.ts; writes: the corpus)", async () => {
      const sql = "select pg_notify('readme', email) from customers where id = 1";
      const held = c.query(sql).catch((e: { code?: string }) => e);
      const request = await pendingRequest(fx.db, sql);
      expect(request).toMatchObject({ ruleId: "masked-copies", reasons: ["copies masked data from customers.email"] });
      await expireNow(fx.db, request.id);
      expect(await held).toMatchObject({ code: "57014" });
    });

    it("not caught by default: a predicate on a masked column answers the question; inference: block refuses it", async () => {
      const sql = "select id from customers where card_number like '4111%'";
      await expectRows(c, sql, [{ id: 1 }]);
      await fx.setPolicy(withMasking({ lineage: { ...demoPolicy().masking.lineage, inference: "block", inferenceActorKinds: ["human"] } }));
      try {
        await expect(c.query(sql)).rejects.toMatchObject({ code: "42501", message: expect.stringContaining("filters on masked column customers.card_number (where)") });
        expect((await c.query("select id from customers where name like 'Ann%'")).rows).toEqual([{ id: 1 }]);
      } finally {
        await fx.setPolicy(demoPolicy());
      }
    });

    it("a table created in the client's open transaction is unknown to the catalog connection: its columns are masked in full, numbers too", async () => {
      await c.query("begin");
      try {
        await c.query("create table readme_open (id int, note text); insert into readme_open values (1, 'hello')");
        // Values as sent (no type parsing): the int column carries the substitute in text format.
        const asSent = { types: { getTypeParser: () => (value: string) => value } } as unknown as Partial<pg.QueryConfig>;
        await expectRows(c, { text: "select id, note from readme_open", ...asSent } as pg.QueryConfig, [{ id: "****", note: "****" }]);
        // In binary format a masked int cannot carry text: NULL.
        await expectRows(c, binary("select id, note from readme_open where id = $1", [1]), [{ id: null, note: "****" }]);
      } finally {
        await c.query("rollback");
      }
    });

    it("not caught: bytea values no ruled column feeds (detectors would take hex digits for card numbers)", async () => {
      expect((await c.query("select decode('4111111111111111', 'hex') as v")).rows).toEqual([{ v: Buffer.from("4111111111111111", "hex") }]);
    });

    it("a large object's content has no lineage: as bytea it passes, read as text the detectors search it (every detector on)", async () => {
      // Stored directly (writing a masked column into one through Warden would be a held copy).
      const [{ oid }] = (await fx.admin.query("select lo_from_bytea(0, convert_to('card 4111 1111 1111 1111 on file', 'UTF8'))::int8 as oid")).rows;
      try {
        await fx.admin.query(`grant select on large object ${Number(oid)} to ${fx.targetRole}`);
        const asBytes = (await c.query("select lo_get($1::oid) as v", [oid])).rows[0].v as Buffer;
        expect(asBytes.toString("utf8")).toBe("card 4111 1111 1111 1111 on file");
        const asText = (await c.query("select convert_from(lo_get($1::oid), 'UTF8') as v", [oid])).rows[0].v as string;
        expect(asText).not.toContain("4111 1111 1111 1111");
        expect(asText).toMatch(/^card .*1111 on file$/);
      } finally {
        await fx.admin.query("select lo_unlink($1::oid)", [oid]);
      }
    });
  });

  it("refuses a view it cannot trace while the client holds a lock on the table beneath", async () => {
    await fx.admin.query(`create view customer_cards as select id, card_number as card from customers; alter view customer_cards owner to ${fx.targetRole}`);
    await c.query("begin");
    try {
      await c.query("lock table customers in access exclusive mode");
      // Lineage reads the view's definition before the statement runs: refused then (it once ran and had its result withheld).
      await expect(c.query("select card from customer_cards where id = 1")).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(/cannot trace.*lock timeout/) });
    } finally {
      await c.query("rollback");
    }
    expect((await c.query("select card from customer_cards where id = 1")).rows).toEqual([{ card: MASKED.ann.card }]);
  });

  it("masks a bigint card number in binary results to NULL (the value is found, but cannot be rewritten)", async () => {
    const r = await c.query(binary("select replace(card_number, ' ', '')::bigint as v, id from customers where id = $1", [1]));
    expect(r.rows).toEqual([{ v: null, id: 1 }]);
  });

  it("records only masked values, and which columns were masked and how", async () => {
    const rc = await fx.connect({ application_name: "masking-recorded" });
    await rc.query("select id, email, upper(email) as shout, card_number from customers order by id");
    await rc.query(binary("select email from customers where id = $1", [2]));
    await rc.end();
    const [simple, extended] = await fx.recorded("masking-recorded", 2);
    expect(simple.rows).toEqual([
      ["1", MASKED.ann.email, "****", MASKED.ann.card],
      ["2", MASKED.bob.email, "****", MASKED.bob.card],
    ]);
    expect(simple.maskedColumns).toEqual([
      { index: 1, name: "email", matchedBy: "column_rule", semanticTypes: ["email"], rule: "public.customers.email" },
      // Computed from a ruled column: masked by lineage, with its source (the detectors no longer need to find it).
      { index: 2, name: "shout", matchedBy: "lineage", semanticTypes: ["email"], rule: "public.customers.email", sources: ["public.customers.email"] },
      { index: 3, name: "card_number", matchedBy: "column_rule", semanticTypes: ["card_number"], rule: "public.customers.card_number" },
    ]);
    // Binary values are recorded as base64: of the masked bytes.
    expect(extended.rows).toEqual([[Buffer.from(MASKED.bob.email).toString("base64")]]);
  });

  it("shows an exempt group the values until the exemption expires; the recording stays masked", async () => {
    const expiresAt = new Date(Date.now() + 4000).toISOString();
    await fx.setPolicy(withMasking({ exemptions: [{ group: "developer", expiresAt, reason: "incident 42" }] }));
    const ec = await fx.connect({ application_name: "masking-exempt" });
    try {
      await expectRows(ec, "select email, card_number from customers where id = 1", [{ email: "ann@example.com", card_number: "4111 1111 1111 1111" }]);
      // Errors stay masked for everyone: they are recorded as sent.
      const err = await ec.query("insert into customers (id, name, email) values (9, 'Eve', 'ann@example.com')").catch((e) => e);
      expect(err).toMatchObject({ code: "23505", detail: "Key (email)=(a**@example.com) already exists." });
      // Another group's exemption does not count.
      await fx.setPolicy(withMasking({ exemptions: [{ group: "support", expiresAt: null, reason: "" }, { group: "developer", expiresAt, reason: "incident 42" }] }));
      await eventually(async () => Date.now() > Date.parse(expiresAt), 10_000);
      expect((await ec.query("select email, card_number from customers where id = 1")).rows).toEqual([{ email: MASKED.ann.email, card_number: MASKED.ann.card }]);
    } finally {
      await ec.end();
      await fx.setPolicy(demoPolicy());
    }
    const recorded = (await fx.recorded("masking-exempt", 2)).filter((s) => s.sql.startsWith("select email, card_number"));
    const exempt = recorded.find((s) => s.maskedColumns?.[0]?.exemptGroup === "developer")!;
    expect(exempt.rows).toEqual([[MASKED.ann.email, MASKED.ann.card]]);
    expect(exempt.maskedColumns?.map((m) => [m.name, m.exemptGroup])).toEqual([
      ["email", "developer"],
      ["card_number", "developer"],
    ]);
    expect(recorded.at(-1)!.rows).toEqual([[MASKED.ann.email, MASKED.ann.card]]);
  });
});
