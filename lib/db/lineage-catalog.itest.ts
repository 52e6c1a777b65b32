import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/tests/test-database";
import { loadClassifier } from "../policy/classify-statement";
import type { ColumnLineage } from "../policy/lineage/lineage-types";
import { BUILTIN_OPERATORS } from "../policy/lineage/lineage-values";
import { LineageCatalogSnapshot, loadLineageCatalogEntries, resolveLineage } from "./lineage-catalog";
import type { TargetCatalogQueries } from "./target-catalog";

/** Type parsers that parse nothing: catalog answers as the text PostgreSQL sent (as the gateway reads them). */
const TEXT_ONLY = { getTypeParser: () => (v: string) => v };

function fmt(l: ColumnLineage): string {
  return `${l.kind}:${l.sources.map((s) => `${s.schema}.${s.table}.${s.column}`).sort().join(",")}`;
}

describe("lineage catalog on a real PostgreSQL", () => {
  let client: pg.Client;
  let target: TargetCatalogQueries;
  const sent: string[] = [];

  beforeAll(async () => {
    await loadClassifier();
    client = new pg.Client({ connectionString: await createTestDatabase("lineage") });
    await client.connect();
    await client.query(`
      create table customers (id int primary key, name text, dropped text, email text, card_number text);
      alter table customers drop column dropped;
      create view customer_emails as select id, email from customers;
      create view emails_again as select email as e from customer_emails where id > 0;
      create table events (id int, payload text) partition by range (id);
      create table events_low partition of events for values from (0) to (100);
      create schema crm;
      create table contacts (email text);
      create table crm.contacts (email text, phone text);
      create function obfuscate(t text) returns text language sql as $$ select t $$;
      create function shout(t text) returns text language sql immutable as $$ select upper(t) $$;
      create schema tools;
      create function tools.shout(t text) returns text language sql volatile as $$ select upper(t) $$;
      create function text_int_cat(t text, i int) returns text language sql as $$ select t || i::text $$;
      create operator || (leftarg = text, rightarg = int, function = text_int_cat);
      create temp table scratch as select id, email from customers;
      create table accounts (id int, email text, email_rev text generated always as (reverse(email)) stored);
      create table "odd\\name"",{x}" (secret text);
    `);
    target = {
      query: async (sql, params) => {
        sent.push(sql);
        return (await client.query<(string | null)[]>({ text: sql, values: params ? [...params] : undefined, rowMode: "array", types: TEXT_ONLY })).rows;
      },
      describe: () => Promise.reject(new Error("lineage does not describe")),
    };
  });
  afterAll(() => client?.end());

  it("loads relations with their columns in attribute order, dropped ones left out", async () => {
    const entries = await loadLineageCatalogEntries(target, { relations: [{ schema: null, name: "customers" }, { schema: "public", name: "nowhere" }], functions: [] });
    const [customers, nowhere] = entries.relations;
    expect(customers!.relations).toHaveLength(1);
    expect(customers!.relations[0]).toMatchObject({ schema: "public", name: "customers", kind: "r", viewDefinition: null });
    expect(customers!.relations[0]!.columns.map((c) => c.name)).toEqual(["id", "name", "email", "card_number"]);
    expect(fmt(customers!.relations[0]!.columns[2]!.lineage)).toBe("direct:public.customers.email");
    expect(nowhere).toEqual({ schema: "public", name: "nowhere", relations: [] });
  });

  it("loads every schema's relation of an unqualified name, and a partition with its root", async () => {
    const entries = await loadLineageCatalogEntries(target, { relations: [{ schema: null, name: "contacts" }, { schema: null, name: "events_low" }], functions: [] });
    expect(entries.relations[0]!.relations.map((r) => r.schema).sort()).toEqual(["crm", "public"]);
    const partition = entries.relations[1]!.relations[0]!;
    expect(partition.columns.map((c) => fmt(c.lineage))).toEqual(["direct:public.events.id,public.events_low.id", "direct:public.events.payload,public.events_low.payload"]);
  });

  it("finds the session's temporary table by its name and as pg_temp", async () => {
    const entries = await loadLineageCatalogEntries(target, { relations: [{ schema: null, name: "scratch" }, { schema: "pg_temp", name: "scratch" }], functions: [] });
    expect(entries.relations[0]!.relations).toHaveLength(1);
    expect(entries.relations[0]!.relations[0]!.schema).toMatch(/^pg_temp_/);
    expect(entries.relations[1]!.relations).toHaveLength(1);
  });

  it("a generated column is derived from the columns its expression reads", async () => {
    const entries = await loadLineageCatalogEntries(target, { relations: [{ schema: "public", name: "accounts" }], functions: [] });
    expect(entries.relations[0]!.relations[0]!.columns.map((c) => fmt(c.lineage))).toEqual([
      "direct:public.accounts.id",
      "direct:public.accounts.email",
      "derived:public.accounts.email,public.accounts.email_rev",
    ]);
  });

  it("reads information_schema's views, whose helper functions are the system's own", async () => {
    const lineage = await resolveLineage("select column_name, character_maximum_length from information_schema.columns where table_name = 'customers'", target);
    expect(lineage.undetermined).toBeNull();
    expect(lineage.columns!.map((c) => c.lineage.kind)).toEqual(["derived", "derived"]);
  });

  it("binds names as parameters: quotes, backslashes, commas and braces are only names", async () => {
    const name = 'odd\\name",{x}';
    const entries = await loadLineageCatalogEntries(target, { relations: [{ schema: null, name }, { schema: null, name: "customers" }], functions: [{ schema: null, name: "x'); select pg_sleep(5); --" }] });
    expect(entries.relations[0]!.relations.map((r) => r.name)).toEqual([name]);
    expect(entries.relations[0]!.relations[0]!.columns.map((c) => c.name)).toEqual(["secret"]);
    expect(entries.relations[1]!.relations).toHaveLength(1);
    expect(entries.functions[0]!.kind).toBe("user");
  });

  it("tells builtin functions from user ones, in one query", async () => {
    const before = sent.length;
    const entries = await loadLineageCatalogEntries(target, {
      relations: [],
      functions: [
        { schema: null, name: "reverse" },
        { schema: null, name: "obfuscate" },
        { schema: "public", name: "obfuscate" },
        { schema: null, name: "no_such_function" },
        { schema: "pg_catalog", name: "lower" },
        { schema: "public", name: "lower" },
        { schema: "information_schema", name: "_pg_char_max_length" },
      ],
    });
    expect(sent.length - before).toBe(1);
    expect(entries.functions.map((f) => f.kind)).toEqual(["builtin", "user", "user", "user", "builtin", "user", "builtin"]);
  });

  it("tells user functions that may write (some definition VOLATILE, or none found) from those that cannot", async () => {
    const entries = await loadLineageCatalogEntries(target, {
      relations: [],
      functions: [
        { schema: null, name: "obfuscate" },
        { schema: "public", name: "shout" },
        { schema: null, name: "shout" },
        { schema: "tools", name: "shout" },
        { schema: null, name: "no_such_function" },
      ],
    });
    expect(entries.functions.map((f) => [f.kind, f.mayWrite])).toEqual([
      ["user", true],
      ["user", false],
      ["user", true],
      ["user", true],
      ["user", true],
    ]);
    const snapshot = new LineageCatalogSnapshot(entries);
    expect(snapshot.functionMayWrite("public", "shout")).toBe(false);
    expect(snapshot.functionMayWrite(null, "shout")).toBe(true);
    expect(snapshot.functionMayWrite(null, "never_loaded")).toBeUndefined();
  });

  it("resolves a view over a view end to end, loading level by level", async () => {
    const before = sent.length;
    const lineage = await resolveLineage("select e, reverse(e) from emails_again", new LineageCatalogSnapshot(), (missing) => loadLineageCatalogEntries(target, missing));
    expect(lineage.undetermined).toBeNull();
    expect(lineage.columns!.map((c) => fmt(c.lineage))).toEqual(["direct:public.customers.email", "derived:public.customers.email"]);
    // emails_again + reverse, then customer_emails + its WHERE's operator, then customers: one query per kind per round.
    expect(sent.length - before).toBeLessThanOrEqual(5);
    // The view's own WHERE is not the statement's predicate.
    expect(lineage.predicates).toEqual([]);
  });

  it("resolves a user function as undetermined, a temp table and a partition end to end", async () => {
    const lineage = await resolveLineage("select obfuscate(s.email), p.payload from scratch s, events_low p", target);
    expect(lineage.columns!.map((c) => fmt(c.lineage))).toEqual([expect.stringMatching(/^undetermined:pg_temp_\d+\.scratch\.email$/), "direct:public.events.payload,public.events_low.payload"]);
  });

  it("tells operators only PostgreSQL defines from names another schema defines too", async () => {
    const entries = await loadLineageCatalogEntries(target, { relations: [], functions: [], operators: ["||", "+"] });
    expect(entries.operators).toEqual([
      { name: "||", kind: "user" },
      { name: "+", kind: "builtin" },
    ]);
    const lineage = await resolveLineage("select email || 1, id + 1 from customers", target);
    expect(lineage.columns!.map((c) => fmt(c.lineage))).toEqual(["undetermined:public.customers.email", "derived:public.customers.id"]);
  });

  it("the analyzer's list of builtin operators is PostgreSQL's", async () => {
    const { rows } = await client.query<{ oprname: string }>("select distinct oprname from pg_catalog.pg_operator o join pg_catalog.pg_namespace n on n.oid = o.oprnamespace where n.nspname = 'pg_catalog' order by 1");
    expect([...BUILTIN_OPERATORS].sort()).toEqual(rows.map((r) => r.oprname).sort());
  });

  it("traces psql's \\d queries on the system catalogs without undetermined columns", async () => {
    const describeTables = `SELECT n.nspname as "Schema", c.relname as "Name",
      CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'p' THEN 'partitioned table' END as "Type",
      pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
      FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
      WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema'
        AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1,2`;
    const describeColumns = `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
      (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
      a.attnotnull, (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation
      FROM pg_catalog.pg_attribute a WHERE a.attrelid = (SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(customers)$' COLLATE pg_catalog.default)
        AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`;
    for (const sql of [describeTables, describeColumns]) {
      const lineage = await resolveLineage(sql, target);
      expect(lineage.undetermined).toBeNull();
      expect(lineage.columns!.filter((c) => c.lineage.kind === "undetermined")).toEqual([]);
    }
  });

  it("gives up after maxRounds when the loader never answers", async () => {
    let calls = 0;
    const lineage = await resolveLineage("select email from customers", new LineageCatalogSnapshot(), async () => {
      calls++;
      return { relations: [], functions: [] };
    }, 0);
    expect(calls).toBe(0);
    expect(lineage.undetermined).toMatch(/not loaded/);
    // What it writes was not seen either: a possible copy.
    expect(lineage.untracedCode).toEqual([lineage.undetermined]);
  });

  it("treats a name the loader leaves out as unknown rather than looping", async () => {
    const lineage = await resolveLineage("select email from customers", new LineageCatalogSnapshot(), async () => ({ relations: [], functions: [] }));
    expect(lineage.columns![0]!.lineage.kind).toBe("undetermined");
  });
});
