import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { startMaskingFixture, type MaskingFixture } from "../masking/testing/masking-fixture";
import { copyQuery } from "../testing/copy-query";
import { runTool } from "../testing/run-tool";

/**
 * Masking by lineage through a real gateway: the demo policy's column rules (customers' email,
 * phone, card number, national id) with every content detector off, so that only lineage can mask
 * what these statements compute. COPY TO a client is allowed here (lineage-copies.itest.ts holds it).
 */
function lineagePolicy(lineage: Partial<PolicyDocument["masking"]["lineage"]> = {}): PolicyDocument {
  const demo = demoPolicy();
  return { ...demo, masking: { ...demo.masking, detectors: [], lineage: { ...demo.masking.lineage, copies: "allow", ...lineage } } };
}

/** The transformations, each of Ann's (id 1) masked or encoded values. */
const TRANSFORMATIONS = [
  "reverse(email)",
  "encode(convert_to(email,'UTF8'),'base64')",
  "encode(email::bytea,'hex')",
  "translate(card_number,'0123456789','abcdefghij')",
  "split_part(email,'@',1)||'#'||split_part(email,'@',2)",
  "replace(national_id,'-','')",
  "replace(card_number,' ','.')",
  "lpad(card_number,30,'0')",
  "array_to_string(regexp_split_to_array(card_number,''),'-')",
];

/** Every form Ann's data could take in these results (raw, reversed, encoded, without separators). */
const ANN_TRACES = ["ann", "nna", "YW5u", "616e6e", "4111", "1111", "6789", "123456789", "bbbb"];

const asText = { getTypeParser: () => (v: string) => v };

describe("lineage: masks through a real gateway", () => {
  let fx: MaskingFixture;
  let c: pg.Client;
  beforeAll(async () => {
    fx = await startMaskingFixture({}, lineagePolicy());
    c = await fx.connect({ application_name: "lineage-masking" });
    await fx.admin.query(`
      create function opaque(t text) returns text language sql immutable as $$ select t $$;
      alter function opaque(text) owner to ${fx.targetRole};`);
  });
  afterAll(async () => {
    await c?.end();
    await fx?.closeAll();
  });

  const psql = (command: string, app = "lineage-psql") => runTool("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-At", fx.uri(), "-c", command], { env: { PGAPPNAME: app } });

  for (const expression of TRANSFORMATIONS) {
    it(`masks ${expression} in full: psql (simple protocol), node-postgres extended text and binary`, async () => {
      const sql = `select ${expression} as v, name from customers where id = 1`;
      const viaPsql = await psql(sql);
      expect(viaPsql.stderr).toBe("");
      expect(viaPsql.stdout).toBe("****|Ann Lee\n");
      const extended = await c.query({ text: `select ${expression} as v, name from customers where id = $1`, values: [1], types: asText });
      expect(extended.rows).toEqual([{ v: "****", name: "Ann Lee" }]);
      const binary = await c.query({ text: `select ${expression} as v from customers where id = $1`, values: [1], binary: true } as pg.QueryConfig);
      expect(binary.rows).toEqual([{ v: "****" }]);
    });
  }

  it("masks COPY (select reverse(email) …) TO STDOUT, in text and binary", async () => {
    const text = await psql("\\copy (select id, reverse(email), name from customers order by id) to stdout with (format csv)");
    expect(text.stderr).toBe("");
    // Masked CSV fields are quoted (copy-data.ts).
    expect(text.stdout).toBe(['1,"****",Ann Lee', '2,"****",Bob Stone', ""].join("\n"));
    const { chunks } = await copyQuery(c, "copy (select reverse(email) from customers where id = 1) to stdout (format binary)");
    const data = Buffer.concat(chunks);
    expect(data.includes(Buffer.from("****"))).toBe(true);
    for (const t of ANN_TRACES) expect(data.includes(Buffer.from(t))).toBe(false);
  });

  it("keeps a direct column's own mask, through expressions that keep the value (min, a cast to text)", async () => {
    const r = await c.query("select min(email) as m, email::varchar as e from customers where id = 1 group by email");
    expect(r.rows).toEqual([{ m: "a**@example.com", e: "a**@example.com" }]);
  });

  it("exempts count, count(distinct) and bool_or of a predicate; a constant passes", async () => {
    const r = await c.query("select count(email)::int as n, count(distinct card_number)::int as d, bool_or(email like '%@example.com') as b, 'ann@example.com' as lit from customers");
    expect(r.rows).toEqual([{ n: 2, d: 2, b: true, lit: "ann@example.com" }]);
  });

  it("masks a column it cannot trace in full (undetermined = mask), and records why", async () => {
    const app = "lineage-undetermined";
    const u = await fx.connect({ application_name: app });
    try {
      const r = await u.query("select id, opaque(name) as o from customers where id = 1");
      expect(r.rows).toEqual([{ id: 1, o: "****" }]);
    } finally {
      await u.end();
    }
    const [s] = await fx.recorded(app, 1);
    expect(s!.maskedColumns).toEqual([{ index: 1, name: "o", matchedBy: "undetermined", semanticTypes: [], rule: null, reason: expect.stringContaining("opaque") }]);
  });

  it("records a lineage mask with its sources, for the player", async () => {
    const app = "lineage-recorded";
    const u = await fx.connect({ application_name: app });
    try {
      await u.query("select reverse(email) || card_number as r from customers where id = 1");
    } finally {
      await u.end();
    }
    const [s] = await fx.recorded(app, 1);
    expect(s!.rows).toEqual([["****"]]);
    expect(s!.maskedColumns).toEqual([
      { index: 0, name: "r", matchedBy: "lineage", semanticTypes: ["email", "card_number"], rule: "public.customers.email", sources: ["public.customers.email", "public.customers.card_number"] },
    ]);
  });

  it("follows a cursor: DECLARE's query masks what FETCH returns, until CLOSE", async () => {
    await c.query("begin");
    try {
      await c.query("declare cur cursor for select reverse(email) as r, name, email from customers order by id");
      expect((await c.query("fetch 1 from cur")).rows).toEqual([{ r: "****", name: "Ann Lee", email: "a**@example.com" }]);
      expect((await c.query("fetch all from cur")).rows).toEqual([{ r: "****", name: "Bob Stone", email: "b********@example.org" }]);
      await c.query("close cur");
    } finally {
      await c.query("commit");
    }
  });

  it("follows PREPARE/EXECUTE and the extended protocol's named statements", async () => {
    await c.query("prepare by_id(int) as select reverse(email) as r, name from customers where id = $1");
    try {
      expect((await c.query("execute by_id(1)")).rows).toEqual([{ r: "****", name: "Ann Lee" }]);
      expect((await c.query("execute by_id(2)")).rows).toEqual([{ r: "****", name: "Bob Stone" }]);
    } finally {
      await c.query("deallocate by_id");
    }
    const named = { name: "lineage-named", text: "select lpad(card_number, 30, '0') as p from customers where id = $1" };
    expect((await c.query({ ...named, values: [1] })).rows).toEqual([{ p: "****" }]);
    expect((await c.query({ ...named, values: [2] })).rows).toEqual([{ p: "****" }]);
  });

  it("a temporary table made from masked data keeps its sources' masks for the session", async () => {
    const t = await fx.connect({ application_name: "lineage-temp" });
    try {
      await t.query("create temp table scratch as select id, email, reverse(card_number) as rc, name from customers");
      expect((await t.query("select email, rc, name from scratch where id = 1")).rows).toEqual([{ email: "a**@example.com", rc: "****", name: "Ann Lee" }]);
      expect((await t.query("select upper(email) as u from scratch where id = 2")).rows).toEqual([{ u: "****" }]);
      await t.query("select email into temp scratch2 from scratch");
      expect((await t.query("select reverse(email) as r from scratch2 order by 1 limit 1")).rows).toEqual([{ r: "****" }]);
    } finally {
      await t.end();
    }
  });
});

describe("lineage: undetermined = refuse", () => {
  let fx: MaskingFixture;
  beforeAll(async () => {
    fx = await startMaskingFixture({}, lineagePolicy({ undetermined: "refuse" }));
    await fx.admin.query(`create function opaque(t text) returns text language sql immutable as $$ select t $$; alter function opaque(text) owner to ${fx.targetRole};`);
  });
  afterAll(async () => {
    await fx?.closeAll();
  });

  it("refuses a statement with a result column it cannot trace, before it runs; the session goes on", async () => {
    const c = await fx.connect();
    try {
      await expect(c.query("select id, opaque(name) as o from customers")).rejects.toMatchObject({
        code: "42501",
        message: expect.stringMatching(/^Undetermined lineage: Warden cannot tell which columns feed result column 2 \(.*opaque.*\)$/),
      });
      expect((await c.query("select reverse(email) as r from customers where id = 1")).rows).toEqual([{ r: "****" }]);
    } finally {
      await c.end();
    }
  });
});
