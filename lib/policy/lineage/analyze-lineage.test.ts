import { beforeAll, describe, expect, it } from "vitest";
import { loadClassifier } from "../classify-statement";
import { EXEMPT_AGGREGATES, analyzeLineage } from "./analyze-lineage";
import type { ColumnLineage, LineageCatalog, StatementLineage } from "./lineage-types";
import { literalVariants } from "../testing/literal-variants";
import { fixtureCatalog } from "./testing/lineage-fixture-catalog";

beforeAll(() => loadClassifier());

/** `kind:table.column,…` (schema left out when public), sources sorted: compact and exact. */
function fmt(l: ColumnLineage): string {
  const sources = l.sources.map((s) => (s.schema === "public" ? `${s.table}.${s.column}` : `${s.schema}.${s.table}.${s.column}`)).sort();
  const exempt = l.kind === "derived" && l.exemptBy ? `[${l.exemptBy}]` : "";
  return `${l.kind}${exempt}:${sources.join(",")}`;
}

function analyse(sql: string, catalog: LineageCatalog = fixtureCatalog()): StatementLineage {
  const { lineage, missing } = analyzeLineage(sql, catalog);
  expect(missing).toBeNull();
  return lineage;
}

/** Each result column as `kind:sources`. */
function columns(sql: string, catalog?: LineageCatalog): string[] {
  const lineage = analyse(sql, catalog);
  expect(lineage.undetermined).toBeNull();
  return (lineage.columns ?? []).map((c) => fmt(c.lineage) + (c.isRest ? " (rest)" : ""));
}

function names(sql: string): string[] {
  return (analyse(sql).columns ?? []).map((c) => c.name);
}

function copies(sql: string): string[] {
  return analyse(sql).copies.map((c) => {
    const t = c.target;
    const where = t.kind === "column" ? `${t.table}.${t.column}${t.isTemporary ? " (temp)" : ""}` : t.kind === "new_relation" ? `${t.relationKind} ${t.name}${t.isTemporary ? " (temp)" : ""}.${c.targetColumnName}` : t.kind;
    return `${where} <- ${fmt(c.lineage)}`;
  });
}

function predicates(sql: string): string[] {
  return analyse(sql).predicates.map((p) => `${p.clause} ${p.sources.map((s) => `${s.table}.${s.column}`).sort().join(",")}`);
}

const D_EMAIL = "direct:customers.email";
const X_EMAIL = "derived:customers.email";

describe("the issue's transformations are derived from the masked column", () => {
  it.each([
    ["select reverse(email) from customers", X_EMAIL],
    ["select encode(convert_to(email,'UTF8'),'base64') from customers", X_EMAIL],
    ["select encode(email::bytea,'hex') from customers", X_EMAIL],
    ["select translate(card_number,'0123456789','abcdefghij') from customers", "derived:customers.card_number"],
    ["select split_part(email,'@',1)||'#'||split_part(email,'@',2) from customers", X_EMAIL],
    ["select replace(national_id,'-','') from customers", "derived:customers.national_id"],
    ["select replace(card_number,' ','.') from customers", "derived:customers.card_number"],
    ["select lpad(card_number,30,'0') from customers", "derived:customers.card_number"],
    ["select array_to_string(regexp_split_to_array(card_number,''),'-') from customers", "derived:customers.card_number"],
    ["select substring(email from 2 for 3) from customers", X_EMAIL],
    ["select upper(email) collate \"C\" from customers", X_EMAIL],
    ["select email || '' from customers", X_EMAIL],
  ])("%s", (sql, expected) => {
    expect(columns(sql)).toEqual([expected]);
  });

  it("COPY (select reverse(email) …) TO STDOUT sends derived values and is a copy to the client", () => {
    const sql = "copy (select reverse(email) from customers) to stdout";
    expect(columns(sql)).toEqual([X_EMAIL]);
    expect(copies(sql)).toEqual([`client <- ${X_EMAIL}`]);
  });
});

describe("column references", () => {
  it("follows aliases, qualified names and schema-qualified names", () => {
    expect(columns("select c.email as e, email, public.customers.name from customers c, public.customers")).toEqual([D_EMAIL, D_EMAIL, "direct:customers.name"]);
    expect(names("select c.email as e, email, c.name from customers c")).toEqual(["e", "email", "name"]);
  });

  it("a cast written as a call keeps a direct value direct", () => {
    expect(columns("select text(email), \"varchar\"(card_number), upper(email) from customers")).toEqual([D_EMAIL, "direct:customers.card_number", X_EMAIL]);
  });

  it("keeps a cast to a text type direct and makes any other cast derived", () => {
    expect(columns("select email::text, cast(email as character varying), email::bpchar, card_number::bigint, email::text[] from customers")).toEqual([D_EMAIL, D_EMAIL, D_EMAIL, "derived:customers.card_number", X_EMAIL]);
  });

  it("makes a cast that can cut the value derived: a length, char (one character), name, \"char\"", () => {
    // The column's partial mask on a cut card would show other digits than on the whole card.
    const card = "derived:customers.card_number";
    expect(columns('select card_number::varchar(8), cast(card_number as character(5)), card_number::char, card_number::name, card_number::"char", "char"(card_number), name(card_number) from customers')).toEqual([card, card, card, card, card, card, card]);
  });

  it("expands * and c.* into the relations' columns, in order", () => {
    expect(columns("select * from customers c join orders o on o.customer_id = c.id")).toHaveLength(9);
    expect(names("select o.*, c.email from customers c join orders o on o.customer_id = c.id")).toEqual(["id", "customer_id", "total", "note", "email"]);
    expect(columns("select c.* from customers c")[2]).toBe(D_EMAIL);
  });

  it("treats whole-row references as derived from every column", () => {
    const all = "derived:customers.card_number,customers.email,customers.id,customers.name,customers.national_id";
    expect(columns("select c from customers c")).toEqual([all]);
    expect(columns("select customers from customers")).toEqual([all]);
    expect(columns("select row_to_json(c) from customers c")).toEqual([all]);
    expect(columns("select to_jsonb(c.*) from customers c")).toEqual([all]);
    expect(columns("select (c).email from customers c")).toEqual([D_EMAIL]);
  });

  it("gives constants, parameters, system columns and now() no sources", () => {
    expect(columns("select 1, 'x', $1, now(), current_date, ctid, xmin from customers")).toEqual(Array(7).fill("derived:"));
  });

  it("resolves an unknown column, relation or unqualified name in two schemas", () => {
    const unknownColumn = analyse("select nope from customers").columns![0]!.lineage;
    expect(unknownColumn.kind).toBe("undetermined");
    expect(analyse("select x from nowhere").columns![0]!.lineage.kind).toBe("undetermined");
    expect(analyse("select * from nowhere").columns![0]!).toMatchObject({ isRest: true, lineage: { kind: "undetermined" } });
    // Unqualified: both public.contacts and crm.contacts may be meant.
    expect(columns("select email from contacts")).toEqual(["direct:contacts.email,crm.contacts.email"]);
    expect(columns("select email from crm.contacts")).toEqual(["direct:crm.contacts.email"]);
  });

  it("searches every FROM item for an unqualified name, then the outer scopes", () => {
    expect(columns("select id from customers, orders")).toEqual(["direct:customers.id,orders.id"]);
  });
});

describe("functions, operators and conditionals", () => {
  it("CASE is derived from its conditions and results", () => {
    expect(columns("select case when email like '%@x' then name else 'n/a' end from customers")).toEqual(["derived:customers.email,customers.name"]);
  });

  it("COALESCE, NULLIF, GREATEST and LEAST of direct values or constants stay direct", () => {
    expect(columns("select coalesce(email, 'none'), nullif(email, ''), greatest(email, name), least(email, null), coalesce(upper(email), name) from customers")).toEqual([
      D_EMAIL,
      D_EMAIL,
      "direct:customers.email,customers.name",
      D_EMAIL,
      "derived:customers.email,customers.name",
    ]);
  });

  it("min/max and the value window functions keep a direct value direct; other aggregates derive", () => {
    expect(columns("select min(email), max(email), string_agg(email, ','), array_agg(email), json_agg(email) from customers")).toEqual([D_EMAIL, D_EMAIL, X_EMAIL, X_EMAIL, X_EMAIL]);
    expect(columns("select first_value(email) over w, lag(email, 1) over w, lead(email, 1, name) over w, nth_value(email, 2) over w from customers window w as (order by id)")).toEqual([
      D_EMAIL,
      D_EMAIL,
      "direct:customers.email,customers.name",
      D_EMAIL,
    ]);
  });

  it("exempt aggregates have no sources but say what they hid, also as window functions", () => {
    const lineage = analyse("select count(email), count(distinct email), count(*), bool_or(email like '%x'), every(card_number is null), count(email) over () from customers").columns!;
    expect(lineage.map((c) => fmt(c.lineage))).toEqual(["derived[count]:", "derived[count]:", "derived[count]:", "derived[bool_or]:", "derived[every]:", "derived[count]:"]);
    expect(lineage[0]!.lineage).toMatchObject({ exempted: [{ schema: "public", table: "customers", column: "email" }] });
  });

  it("a FILTER clause is a predicate, not lineage", () => {
    const sql = "select count(*) filter (where email like 'a%'), sum(total) filter (where note = 'x') from customers, orders";
    expect(columns(sql)).toEqual(["derived[count]:", "derived:orders.total"]);
    expect(predicates(sql)).toEqual(["where customers.email", "where orders.note"]);
  });

  it("dynamic SQL builtins are undetermined", () => {
    for (const sql of ["select query_to_xml('select email from customers', true, false, '')", "select table_to_xml('customers', true, false, '')", "select * from ts_stat('select to_tsvector(email) from customers')", "select cursor_to_xml('c', 10, true, false, '')"]) {
      const cols = analyse(sql).columns!;
      expect(cols.every((c) => c.lineage.kind === "undetermined"), sql).toBe(true);
    }
  });

  it("a user function is opaque: undetermined, keeping its arguments as sources", () => {
    const l = analyse("select mask_me(email), public.reverse(name) from customers").columns!;
    expect(l.map((c) => fmt(c.lineage))).toEqual(["undetermined:customers.email", "undetermined:customers.name"]);
  });

  it("code whose writes it cannot see is listed as untraced: DO, CALL, user functions that may write, wherever they are called", () => {
    expect(analyse("do $$ begin insert into leads select email from customers; end $$").untracedCode).toEqual(["DO runs procedural code that cannot be traced"]);
    expect(analyse("call archive_customers()").untracedCode).toEqual(["CALL runs a procedure whose body cannot be traced"]);
    expect(analyse("select mask_me(email) from customers").untracedCode).toEqual(["calls mask_me, a user function that may write"]);
    expect(analyse("select 1 from customers where lookup_secret(id) and mask_me(name) = mask_me(email)").untracedCode).toEqual(["calls lookup_secret, a user function that may write", "calls mask_me, a user function that may write"]);
    expect(analyse("insert into leads (contact) values (public.reverse('x'))").untracedCode).toEqual(["calls public.reverse, a user function that may write"]);
    // STABLE and IMMUTABLE functions cannot write: opaque results (masked in full), no possible copy.
    const l = analyse("select mask_me(email) from customers", fixtureCatalog({ readOnlyFunctions: ["mask_me"] }));
    expect(l.untracedCode).toBeUndefined();
    expect(l.columns!.map((c) => fmt(c.lineage))).toEqual(["undetermined:customers.email"]);
    // PostgreSQL's own functions write only where lineage sees it (set_config, large objects: copies).
    expect(analyse("select upper(email), set_config('x.y', email, false) from customers").untracedCode).toBeUndefined();
  });

  it("lists every column the statement evaluates as touched, wherever its value goes", () => {
    const touched = (sql: string) => (analyse(sql).touched ?? []).map((s) => `${s.table}.${s.column}`).sort();
    expect(touched("select (select 1 from (select reverse(email)::int as x from customers) s limit 1)")).toEqual(["customers.email"]);
    expect(touched("select id from customers where card_number::bigint > 0")).toEqual(["customers.card_number", "customers.id"]);
    expect(touched("select e from customer_emails c(i, e) where false")).toEqual(["customers.email", "customers.id"]);
    expect(analyse("select 'abc'::int").touched).toBeUndefined();
  });

  it("row, array and JSON constructors are derived", () => {
    expect(columns("select row(email, 1), array[email, name], json_build_object('e', email), jsonb_build_array(card_number), json_object('e': email), json_array(email), (email, name) from customers")).toEqual([
      X_EMAIL,
      "derived:customers.email,customers.name",
      X_EMAIL,
      "derived:customers.card_number",
      X_EMAIL,
      X_EMAIL,
      "derived:customers.email,customers.name",
    ]);
    expect(columns("select json_arrayagg(email), json_objectagg(name: email) from customers")).toEqual([X_EMAIL, "derived:customers.email,customers.name"]);
    expect(columns("select xmlelement(name e, email) from customers")).toEqual([X_EMAIL]);
  });
});

describe("subqueries", () => {
  it("follows a subquery in FROM and a scalar subquery in the select list, correlated too", () => {
    expect(columns("select s.e from (select email as e from customers) s")).toEqual([D_EMAIL]);
    expect(columns("select (select c.email from customers c where c.id = o.customer_id) from orders o")).toEqual([D_EMAIL]);
    expect(columns("select (select max(o.note) || c.email from orders o where o.customer_id = c.id) from customers c")).toEqual(["derived:customers.email,orders.note"]);
  });

  it("ARRAY(subquery) is derived; EXISTS has no sources; IN is derived from both sides", () => {
    expect(columns("select array(select email from customers)")).toEqual([X_EMAIL]);
    expect(columns("select exists(select 1 from customers where email = 'a')")).toEqual(["derived:"]);
    expect(columns("select id in (select customer_id from orders) from customers")).toEqual(["derived:customers.id,orders.customer_id"]);
  });

  it("LATERAL subqueries and functions see the items before them", () => {
    expect(columns("select l.e from customers c, lateral (select c.email as e) l")).toEqual([D_EMAIL]);
    expect(columns("select l.e from customers c cross join lateral (select reverse(c.email) as e) l")).toEqual([X_EMAIL]);
    expect(columns("select x from customers c, lateral unnest(array[c.email]) as x")).toEqual([X_EMAIL]);
  });
});

describe("CTEs and set operations", () => {
  it("follows a CTE, and a CTE name shadows a relation", () => {
    expect(columns("with e as (select email from customers) select email from e")).toEqual([D_EMAIL]);
    expect(columns("with orders as (select card_number as note from customers) select note from orders")).toEqual(["direct:customers.card_number"]);
    expect(columns("with e(x) as (select email from customers) select x from e")).toEqual([D_EMAIL]);
  });

  it("a recursive CTE's columns are the union of the anchor and the recursive term, to a fixed point", () => {
    expect(columns("with recursive t(n, e) as (select 1, email from customers union all select n + 1, e from t where n < 3) select n, e from t")).toEqual(["derived:", D_EMAIL]);
    expect(columns("with recursive t(a, b) as (select email, name from customers union all select b, a || '' from t) select a, b from t")).toEqual([
      "derived:customers.email,customers.name",
      "derived:customers.email,customers.name",
    ]);
  });

  it("a recursive CTE's columns rotate to a fixed point; its predicates are recorded once", () => {
    const all = "direct:customers.card_number,customers.email,customers.name";
    expect(columns("with recursive t(a, b, c, n) as (select email, name, card_number, 1 from customers union all select b, c, a, n + 1 from t where n < 5) select a, b, c from t")).toEqual([all, all, all]);
    expect(predicates("with recursive t(e, n) as (select email, 1 from customers union all select e, n + 1 from t where e like 'a%') select n from t")).toEqual(["where customers.email"]);
  });

  it("SEARCH and CYCLE add their columns, derived from the columns they list", () => {
    expect(names("with recursive t(a, b) as (select email, name from customers union all select a, b from t) search depth first by a set ord cycle b set seen using path select * from t")).toEqual(["a", "b", "ord", "seen", "path"]);
    expect(columns("with recursive t(a, b) as (select email, name from customers union all select a, b from t) search depth first by a set ord cycle b set seen using path select ord, seen, path from t")).toEqual([X_EMAIL, "derived:customers.name", "derived:customers.name"]);
  });

  it("set operations combine column-wise", () => {
    expect(columns("select email from customers union select note from orders")).toEqual(["direct:customers.email,orders.note"]);
    expect(columns("select email from customers union all select 'x'")).toEqual([D_EMAIL]);
    expect(columns("select email from customers intersect select upper(note) from orders")).toEqual(["derived:customers.email,orders.note"]);
    const mixed = analyse("select email from customers except select mask_me(note) from orders").columns![0]!.lineage;
    expect(mixed.kind).toBe("undetermined");
  });

  it("VALUES and TABLE", () => {
    expect(columns("values (1, 'a'), (2, 'b')")).toEqual(["derived:", "derived:"]);
    expect(columns("select * from (values ((select email from customers limit 1))) v(x)")).toEqual([D_EMAIL]);
    expect(columns("table customers")).toHaveLength(5);
  });
});

describe("views, partitions and special relations", () => {
  it("analyses a view's definition, and a view over a view", () => {
    expect(columns("select email from customer_emails")).toEqual([D_EMAIL]);
    expect(columns("select * from emails_again")).toEqual([D_EMAIL]);
    expect(columns("select * from masked_summary")).toEqual(["derived[count]:", X_EMAIL]);
    expect(columns("select email from mv_emails")).toEqual([D_EMAIL]);
  });

  it("follows views 4 deep; a fifth is undetermined", () => {
    expect(columns("select email from chain_4")).toEqual([D_EMAIL]);
    const tooDeep = analyse("select email from chain_5").columns![0]!.lineage;
    expect(tooDeep).toMatchObject({ kind: "undetermined", reason: expect.stringMatching(/nested more than 4 views deep/) });
  });

  it("a view nested too deeply (or through itself) is undetermined", () => {
    const l = analyse("select x from loop_a").columns![0]!.lineage;
    expect(l.kind).toBe("undetermined");
  });

  it("a partition's columns are itself and its root's", () => {
    expect(columns("select payload from events_2026")).toEqual(["direct:events.payload,events_2026.payload"]);
  });

  it("statistics' sampled values are undetermined", () => {
    const cols = analyse("select attname, most_common_vals, histogram_bounds from pg_catalog.pg_stats").columns!;
    expect(cols.map((c) => c.lineage.kind)).toEqual(["derived", "undetermined", "undetermined"]);
    expect(cols[1]!.lineage).toMatchObject({ reason: "sampled column values" });
  });
});

describe("functions in FROM", () => {
  it("known set-returning functions have their columns; an unknown one is a rest column", () => {
    expect(columns("select * from customers c, unnest(array[c.email], array[c.name]) as u(a, b)")).toHaveLength(7);
    expect(columns("select u.a, u.b from customers c, unnest(array[c.email], array[c.name]) as u(a, b)")).toEqual([X_EMAIL, "derived:customers.name"]);
    expect(columns("select key, value from customers c, json_each(row_to_json(c))")).toEqual(Array(2).fill("derived:customers.card_number,customers.email,customers.id,customers.name,customers.national_id"));
    const rest = analyse("select * from customers c, jsonb_to_record(to_jsonb(c)) as r").columns!;
    expect(rest[rest.length - 1]).toMatchObject({ isRest: true });
    expect(columns("select * from generate_series(1, 3) with ordinality as g(n, i)")).toEqual(["derived:", "derived:"]);
  });

  it("a user's unnest is opaque in every column", () => {
    const cols = analyzeLineage("select * from customers c, unnest(array[c.email], array[1]) u", fixtureCatalog({ userFunctions: ["unnest"] })).lineage.columns!;
    expect(cols.slice(-2).map((c) => c.lineage.kind)).toEqual(["undetermined", "undetermined"]);
  });

  it("a column definition list names the columns", () => {
    expect(columns("select r.email from customers c, jsonb_to_record(to_jsonb(c)) as r(email text)")).toEqual(["derived:customers.card_number,customers.email,customers.id,customers.name,customers.national_id"]);
  });
});

describe("writes: copies", () => {
  it("INSERT … SELECT copies per target column (list or table order)", () => {
    expect(copies("insert into archive (email, card_number) select email, reverse(card_number) from customers")).toEqual(["archive.email <- " + D_EMAIL, "archive.card_number <- derived:customers.card_number"]);
    expect(copies("insert into archive select id, email, 'x' from customers")).toEqual(["archive.id <- direct:customers.id", "archive.email <- " + D_EMAIL]);
    expect(copies("insert into archive (email) values ((select email from customers limit 1))")).toEqual(["archive.email <- " + D_EMAIL]);
    expect(copies("insert into archive (id, email) values (1, 'a')")).toEqual([]);
  });

  it("INSERT … ON CONFLICT DO UPDATE SET and RETURNING", () => {
    const sql = "insert into archive (id, email) select id, email from customers on conflict (id) do update set card_number = excluded.email returning email";
    expect(copies(sql)).toEqual(["archive.id <- direct:customers.id", "archive.email <- " + D_EMAIL, "archive.card_number <- " + D_EMAIL]);
    // What RETURNING reads is what was just written: the copied value.
    expect(columns(sql)).toEqual(["direct:archive.email,customers.email"]);
  });

  it("ON CONFLICT's arbiter columns are tested against the inserted values", () => {
    expect(predicates("insert into archive (id, email) select id, email from customers on conflict (email) do nothing")).toEqual(["where archive.email,customers.email"]);
    expect(predicates("insert into archive (id, email) values (1, 'x') on conflict (lower(card_number)) do nothing")).toEqual(["where archive.card_number"]);
  });

  it("UPDATE … SET col = expr, SET (a, b) = (subquery), with FROM in scope", () => {
    expect(copies("update orders set note = c.email from customers c where c.id = orders.customer_id")).toEqual(["orders.note <- " + D_EMAIL]);
    expect(copies("update orders o set (note, total) = (select email, 1 from customers c where c.id = o.customer_id)")).toEqual(["orders.note <- " + D_EMAIL]);
    expect(predicates("update orders set note = 'x' where note like '%@%'")).toEqual(["where orders.note"]);
  });

  it("MERGE copies from the source", () => {
    const sql = "merge into archive a using customers c on a.id = c.id when matched then update set email = c.email when not matched then insert (id, card_number) values (c.id, c.card_number)";
    expect(copies(sql)).toEqual(["archive.email <- " + D_EMAIL, "archive.id <- direct:customers.id", "archive.card_number <- direct:customers.card_number"]);
    expect(predicates(sql)).toEqual(["join archive.id,customers.id"]);
  });

  it("CREATE TABLE AS, SELECT INTO, temporary ones", () => {
    expect(copies("create table t2 as select email, 1 as one from customers")).toEqual(["table t2.email <- " + D_EMAIL]);
    expect(copies("select reverse(email) as r into t3 from customers")).toEqual(["table t3.r <- " + X_EMAIL]);
    const temp = analyse("create temp table t4 as select email from customers");
    expect(temp.columns).toBeNull();
    expect(temp.createsTemporary).toMatchObject({ schema: null, name: "t4", columns: [{ name: "email", lineage: { kind: "direct" } }] });
    expect(copies("create temp table t4 as select email from customers")).toEqual(["table t4 (temp).email <- " + D_EMAIL]);
  });

  it("a temporary table made without a query, and a temporary view, are remembered by the session", () => {
    expect(analyse("create temp table t7 (id int primary key, x text, like archive)").createsTemporary).toEqual({
      schema: null,
      name: "t7",
      columns: ["id", "x", "id", "email", "card_number"].map((c) => ({ name: c, lineage: { kind: "direct", sources: [{ schema: "pg_temp", table: "t7", column: c }] } })),
    });
    expect(analyse("create table t8 (x text)").createsTemporary).toBeUndefined();
    expect(analyse("create temp table t9 (e) as select email from customers with no data")).toMatchObject({
      copies: [],
      createsTemporary: { name: "t9", columns: [{ name: "e", lineage: { kind: "direct", sources: [{ schema: "pg_temp", table: "t9", column: "e" }] } }] },
    });
    expect(analyse("create temp view v8 as select reverse(email) as r from customers").createsTemporary).toMatchObject({ name: "v8", columns: [{ name: "r", lineage: { kind: "derived" } }] });
  });

  it("CREATE [MATERIALIZED] VIEW is a copy", () => {
    expect(copies("create view v9 as select email from customers")).toEqual(["view v9.email <- " + D_EMAIL]);
    expect(copies("create temp view v9 (e) as select email from customers")).toEqual(["view v9 (temp).e <- " + D_EMAIL]);
    expect(copies("create materialized view v10 as select card_number from customers")).toEqual(["materialized_view v10.card_number <- direct:customers.card_number"]);
  });

  it("COPY table TO STDOUT, COPY TO a server file", () => {
    expect(columns("copy customers (email, name) to stdout")).toEqual([D_EMAIL, "direct:customers.name"]);
    const toFile = analyse("copy customers to '/tmp/x.csv'");
    expect(toFile.columns).toBeNull();
    expect(toFile.copies.map((c) => c.target)).toContainEqual({ kind: "server_file", isProgram: false });
    expect(analyse("copy (select email from customers) to program 'cat'").copies[0]!.target).toEqual({ kind: "server_file", isProgram: true });
    expect(analyse("copy customers from stdin")).toMatchObject({ columns: null, copies: [] });
  });

  it("data-modifying CTEs count", () => {
    const sql = "with moved as (insert into archive (email) select email from customers returning id) select id from moved";
    expect(copies(sql)).toEqual(["archive.email <- " + D_EMAIL]);
    expect(columns(sql)).toEqual(["direct:archive.id"]);
  });

  it("RETURNING of an UPDATE reads the new values, with FROM items in scope", () => {
    expect(columns("update orders o set note = c.email from customers c where c.id = o.customer_id returning o.note, note, c.name")).toEqual([
      "direct:customers.email,orders.note",
      "direct:customers.email,orders.note",
      "direct:customers.name",
    ]);
    expect(columns("insert into archive select id, email, reverse(card_number) from customers returning *")).toEqual([
      "direct:archive.id,customers.id",
      "direct:archive.email,customers.email",
      "derived:archive.card_number,customers.card_number",
    ]);
  });

  it("RETURNING of UPDATE and DELETE", () => {
    expect(columns("update customers set name = 'x' returning email, reverse(card_number)")).toEqual([D_EMAIL, "derived:customers.card_number"]);
    expect(columns("delete from customers where id = 1 returning *")).toHaveLength(5);
  });
});

describe("predicates", () => {
  it("WHERE, JOIN, HAVING, GROUP BY, ORDER BY, DISTINCT ON, window and LIMIT", () => {
    expect(predicates("select c.id from customers c join orders o on o.customer_id = c.id where c.email = 'a' group by c.id, c.name having max(c.card_number) > '4' order by c.national_id limit 1")).toEqual([
      "join customers.id,orders.customer_id",
      "where customers.email",
      "having customers.card_number",
      "group by customers.id",
      "group by customers.name",
      "order by customers.national_id",
    ]);
    expect(predicates("select distinct on (email) id from customers")).toEqual(["distinct on customers.email"]);
    expect(predicates("select rank() over (partition by email order by card_number) from customers")).toEqual(["window customers.email", "window customers.card_number"]);
    expect(predicates("select id from customers limit (select count(*) from orders where note = 'x')")).toEqual(["where orders.note"]);
  });

  it("ORDER BY an output name uses that output column's sources; a position, every output column's (shape-safe)", () => {
    expect(predicates("select email as e from customers order by 1")).toEqual(["order by customers.email"]);
    // `order by 1` and `order by 2` have one shape: the gateway caches one lineage for both.
    expect(predicates("select id, email from customers order by 2")).toEqual(["order by customers.email,customers.id"]);
    expect(predicates("select id, email from customers group by 1, 2")).toEqual(["group by customers.email,customers.id"]);
    expect(predicates("select reverse(card_number) as r from customers order by r")).toEqual(["order by customers.card_number"]);
  });

  it("JOIN … USING and predicates inside subqueries, resolved through lineage", () => {
    expect(predicates("select 1 from customers join archive using (email)")).toEqual(["join archive.email,customers.email"]);
    expect(predicates("select * from (select email as e from customers) s where s.e like '4111%'")).toEqual(["where customers.email"]);
    expect(predicates("select id from customers where exists (select 1 from orders o where o.note = customers.email)")).toEqual(["where customers.email,orders.note"]);
  });

  it("a view's own WHERE is not the statement's predicate", () => {
    expect(predicates("select * from masked_summary")).toEqual([]);
  });
});

describe("cursors, prepared statements and the rest", () => {
  it("DECLARE … CURSOR FOR has the query's columns; FETCH and MOVE name the cursor", () => {
    const declared = analyse("declare cur cursor for select reverse(email) from customers");
    expect(declared.declaresCursor).toBe("cur");
    expect(declared.columns!.map((c) => fmt(c.lineage))).toEqual([X_EMAIL]);
    expect(analyse("fetch 10 from cur")).toMatchObject({ fetchesCursor: "cur", columns: null });
    expect(analyse("move next in cur")).toMatchObject({ fetchesCursor: "cur" });
  });

  it("PREPARE has no columns (the text is analysed at EXECUTE); EXECUTE is undetermined", () => {
    expect(analyse("prepare p as select email from customers")).toMatchObject({ columns: null, undetermined: null });
    expect(analyse("execute p")).toMatchObject({ undetermined: "EXECUTE is analysed as the statement it runs" });
  });

  it("several statements, unparsable text and very deep nesting are undetermined, never thrown", () => {
    expect(analyse("select 1; select 2").undetermined).toMatch(/several statements/);
    // Not followed, its writes were not seen either: a possible copy. Text that does not parse runs nowhere.
    expect(analyse("select 1; select 2").untracedCode).toEqual(["several statements in one text are not analysed one by one"]);
    expect(analyse("select from where").undetermined).toMatch(/does not parse/);
    expect(analyse("select from where").untracedCode).toBeUndefined();
    const deep = "select " + "(".repeat(3000) + "email" + ")".repeat(3000) + " from customers";
    expect(() => analyzeLineage(deep, fixtureCatalog())).not.toThrow();
    expect(analyzeLineage(deep, fixtureCatalog()).lineage.undetermined ?? analyzeLineage(deep, fixtureCatalog()).lineage.columns?.[0]?.lineage.kind).toBeTruthy();
  });

  it("DDL and session commands return no columns", () => {
    expect(analyse("set search_path = crm")).toEqual({ columns: null, copies: [], predicates: [], undetermined: null });
    expect(analyse("do $$ begin perform 1; end $$").undetermined).toMatch(/DO/);
  });
});

describe("the catalog loop", () => {
  it("lists the relations and functions the catalog has not loaded", () => {
    const result = analyzeLineage("select lookup(email) from customers c join emails_again e using (email)", fixtureCatalog({ unloadedRelations: ["customers"], unloadedFunctions: ["lookup"] }));
    expect(result.missing).toEqual({ relations: [{ schema: null, name: "customers" }], functions: [{ schema: null, name: "lookup" }] });
    expect(result.lineage.undetermined).not.toBeNull();
  });

  it("asks for a view's inner relations only once the view is loaded", () => {
    const result = analyzeLineage("select * from customer_emails", fixtureCatalog({ unloadedRelations: ["customers"] }));
    expect(result.missing?.relations).toEqual([{ schema: null, name: "customers" }]);
  });

  it("does not depend on literal values (same lineage for the same shape)", () => {
    const a = analyse("select lpad(card_number, 30, '0') from customers where email = 'a@x' limit 5");
    const b = analyse("select lpad(card_number, 12, 'x') from customers where email = 'zzz' limit 99");
    expect(a).toEqual({ ...b, columns: a.columns });
    expect(a.columns!.map((c) => c.lineage)).toEqual(b.columns!.map((c) => c.lineage));
  });
});

describe("EXEMPT_AGGREGATES", () => {
  it("is the explicit list of aggregates that cannot reveal a value", () => {
    expect([...EXEMPT_AGGREGATES]).toEqual(["count", "bool_and", "bool_or", "every"]);
  });

  it.each(EXEMPT_AGGREGATES.map((a) => [a]))("%s hides its argument", (aggregate) => {
    const arg = aggregate === "count" ? "email" : "email is not null";
    const l = analyse(`select ${aggregate}(${arg}) from customers`).columns![0]!.lineage;
    expect(l).toEqual({ kind: "derived", sources: [], exemptBy: aggregate, exempted: [{ schema: "public", table: "customers", column: "email" }] });
  });

  it("sum, avg, string_agg and the rest are not exempt", () => {
    expect(columns("select sum(length(email)), avg(length(email)), string_agg(email, ''), mode() within group (order by email), percentile_disc(0.5) within group (order by card_number), rank('x') within group (order by email) from customers")).toEqual([
      X_EMAIL,
      X_EMAIL,
      X_EMAIL,
      D_EMAIL,
      "direct:customers.card_number",
      X_EMAIL,
    ]);
  });
});

describe("more constructs", () => {
  it("NATURAL and USING joins merge their common columns first; an aliased join hides its members' names", () => {
    expect(names("select * from customers join archive using (id)")).toEqual(["id", "name", "email", "card_number", "national_id", "email", "card_number"]);
    expect(columns("select id from customers natural join archive")).toEqual(["direct:archive.id,customers.id"]);
    expect(columns("select j.note from (customers c join orders o on o.customer_id = c.id) as j")).toEqual(["direct:orders.note"]);
    expect(analyse("select c.email from (customers c join orders o on o.customer_id = c.id) as j").columns![0]!.lineage.kind).toBe("undetermined");
  });

  it("RETURNING OLD and NEW (PostgreSQL 18)", () => {
    expect(columns("update customers set email = lower(email) returning old.email, new.email, email")).toEqual([D_EMAIL, X_EMAIL, X_EMAIL]);
    expect(columns("update customers set email = 'x' returning with (old as o) o.card_number")).toEqual(["direct:customers.card_number"]);
  });

  it("XMLTABLE and JSON_TABLE columns are derived from the document", () => {
    expect(columns("select x.v from customers c, xmltable('/a' passing xmlparse(document c.email) columns v text path 'b') x")).toEqual([X_EMAIL]);
    expect(columns("select j.v from customers c, json_table(to_jsonb(c.email), '$' columns (v text path '$')) j")).toEqual([X_EMAIL]);
  });

  it("GROUPING SETS, ROLLUP and CUBE are GROUP BY predicates", () => {
    expect(predicates("select count(*) from customers group by grouping sets ((email), (name))")).toEqual(["group by customers.email", "group by customers.name"]);
    expect(predicates("select count(*) from customers group by rollup (card_number)")).toEqual(["group by customers.card_number"]);
  });

  it("JSON aggregates' FILTER and ORDER BY are predicates", () => {
    const sql = "select json_arrayagg(email order by id) filter (where name > 'a') from customers";
    expect(columns(sql)).toEqual([X_EMAIL]);
    expect(predicates(sql)).toEqual(["where customers.name", "order by customers.id"]);
  });

  it("a subquery in FROM sees the CTEs of its level", () => {
    expect(columns("with e as (select email from customers) select * from (select * from e) s")).toEqual([D_EMAIL]);
  });

  it("EXPLAIN has a plan column; only EXPLAIN ANALYZE copies", () => {
    expect(columns("explain select email from customers")).toEqual(["derived:"]);
    expect(copies("explain create table t5 as select email from customers")).toEqual([]);
    expect(copies("explain (analyze) create table t5 as select email from customers")).toEqual(["table t5.email <- " + D_EMAIL]);
  });

  it("CREATE TABLE AS EXECUTE is undetermined: the prepared statement is not in the text", () => {
    expect(analyse("create table t6 as execute p").undetermined).toMatch(/EXECUTE/);
  });

  it("a function the catalog has not loaded keeps the statement waiting for it", () => {
    const result = analyzeLineage("select public.lookup_secret(email) from customers", fixtureCatalog({ unloadedFunctions: ["lookup_secret"] }));
    expect(result.missing?.functions).toEqual([{ schema: "public", name: "lookup_secret" }]);
  });
});

describe("rest columns and generated columns", () => {
  it("a rest column absorbs the columns after it (their positions are unknown) and ordinality", () => {
    const cols = analyse("select r.*, c.email from customers c, jsonb_to_record(to_jsonb(c)) with ordinality as r").columns!;
    expect(cols).toHaveLength(2);
    expect(cols[1]).toMatchObject({ isRest: true });
    expect(cols[1]!.lineage.sources.map((s) => s.column)).toContain("email");
    const sub = analyse("select s.* from (select r.*, 1 as one from customers c, jsonb_to_record(to_jsonb(c)) as r) s").columns!;
    expect(sub[sub.length - 1]).toMatchObject({ isRest: true });
  });

  it("ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS and SET EXPRESSION copy into the column", () => {
    expect(copies("alter table orders add column e text generated always as (note || 'x') stored")).toEqual(["orders.e <- derived:orders.note"]);
    expect(copies("alter table customers alter column name set expression as (reverse(email))")).toEqual(["customers.name <- " + X_EMAIL]);
  });

  it("large objects and settings are untraced data, not undetermined: the detectors search them, as before lineage", () => {
    expect(analyse("select lo_get(42)").columns![0]!.lineage).toEqual({ kind: "derived", sources: [], untraced: true });
    expect(analyse("select convert_from(lo_get(42), 'UTF8') || 'x'").columns![0]!.lineage).toEqual({ kind: "derived", sources: [], untraced: true });
    expect(analyse("select coalesce(current_setting('app.note'), 'none')").columns![0]!.lineage).toEqual({ kind: "derived", sources: [], untraced: true });
    expect(analyse("select lo_get(42) union select 'x'::bytea").columns![0]!.lineage).toEqual({ kind: "derived", sources: [], untraced: true });
  });
});

describe("shape-stable: literals' values never change the lineage (the gateway caches per shape)", () => {
  const statements = [
    "select lpad(card_number, 30, '0'), substring(email from 2 for 3) from customers where email = 'a@x' order by 1 limit 5 offset 2",
    "select id, email from customers group by 1, 2 order by 2",
    "select lag(email, 1, 'none') over (order by id), nth_value(email, 2) over () from customers",
    "select json_build_object('e', email), json_object('k': card_number), encode(convert_to(email,'UTF8'),'base64') from customers",
    "select query_to_xml('select email from customers', true, false, '')",
    "select * from generate_series(1, 10) g(n), customers c where c.id = g.n",
    "insert into archive (id, email) values (1, 'a'), (2, (select email from customers where id = 7))",
    "update orders set note = 'x', total = 2 where id = 3 returning note",
    "copy (select reverse(email) from customers where id > 10) to stdout",
    "explain (analyze 'off') insert into archive (email) select email from customers",
    "select case when email like '%@x.com' then 1 else 0 end, count(*) filter (where id > 5) from customers group by 1",
    "select x.v from customers c, xmltable('/a' passing xmlparse(document c.email) columns v text path 'b') x",
  ];
  it.each(statements.map((s) => [s]))("%s", (sql) => {
    const expected = analyzeLineage(sql, fixtureCatalog());
    const variants = literalVariants(sql);
    expect(variants.length).toBeGreaterThan(0);
    for (const variant of variants) expect(analyzeLineage(variant, fixtureCatalog()), variant).toEqual(expected);
  });
});

describe("values stored where a later statement reads them back", () => {
  it("pg_notify's payload, set_config's value and large object writes are copies", () => {
    expect(copies("select pg_notify('ch', email) from customers")).toEqual(["client <- " + D_EMAIL]);
    expect(copies("select set_config('app.x', reverse(card_number), false) from customers")).toEqual(["pg_settings.setting (temp) <- derived:customers.card_number"]);
    expect(copies("select lo_from_bytea(0, email::bytea) from customers")).toEqual(["pg_largeobject.data <- " + X_EMAIL]);
    expect(copies("select pg_notify('ch', 'constant'), set_config('a.b', 'c', false)")).toEqual([]);
  });
});

describe("odd corners", () => {
  it("JOIN … USING (x) AS j names the merged column", () => {
    expect(columns("select j.id from customers c join orders o using (id) as j")).toEqual(["direct:customers.id,orders.id"]);
  });

  it("SHOW ALL has three columns", () => {
    expect(names("show all")).toEqual(["name", "setting", "description"]);
  });
});

describe("operators", () => {
  it("PostgreSQL's own operators derive from their operands; any other is opaque", () => {
    expect(columns("select email || '@' , card_number ~~ '4%', id + 1, email ilike 'a%', email operator(pg_catalog.||) 'x' from customers")).toEqual([X_EMAIL, "derived:customers.card_number", "derived:customers.id", X_EMAIL, X_EMAIL]);
    const user = analyse("select email ### 'x', 1 <#> 2, email operator(public.||) 'x' from customers").columns!;
    expect(user.map((c) => fmt(c.lineage))).toEqual(["undetermined:customers.email", "undetermined:", "undetermined:customers.email"]);
  });

  it("a builtin operator's name that another schema defines too is opaque, when the catalog can tell", () => {
    const sql = "select email || 1, id + 1 from customers";
    const overloaded = analyzeLineage(sql, fixtureCatalog({ operators: { user: ["||"] } })).lineage.columns!;
    expect(overloaded.map((c) => fmt(c.lineage))).toEqual(["undetermined:customers.email", "derived:customers.id"]);
    expect(analyzeLineage(sql, fixtureCatalog({ operators: { unloaded: ["||"] } })).missing).toEqual({ relations: [], functions: [], operators: ["||"] });
  });
});

describe("cost", () => {
  it("nested recursive CTEs that keep changing end as too complex, not as a hang", () => {
    // Each level rotates its columns, so it takes several rounds, and each round redoes the levels inside it.
    let inner = "select 1";
    for (let level = 0; level < 8; level++) {
      inner = `with recursive t${level}(a, b, c, d, n) as (select email, name, card_number, national_id, 1 from customers union all select b, c, d, a, n + 1 from t${level}, (${inner}) s${level} where n < 9) select * from t${level}`;
    }
    const started = performance.now();
    const { lineage } = analyzeLineage(inner, fixtureCatalog());
    expect(performance.now() - started).toBeLessThan(2000);
    expect(lineage.undetermined).toBe("the statement is too complex to analyse");
    expect(lineage.untracedCode).toEqual(["the statement is too complex to analyse"]);
  });
});

describe("the rest of the brief's list", () => {
  it("any_value keeps a direct value direct", () => {
    expect(columns("select any_value(email) from customers group by name")).toEqual([D_EMAIL]);
  });

  it("pg_statistic's stavalues are undetermined, its other columns are not", () => {
    const cols = analyse("select staattnum, stavalues1, stavalues5 from pg_catalog.pg_statistic").columns!;
    expect(cols.map((c) => c.lineage.kind)).toEqual(["direct", "undetermined", "undetermined"]);
  });

  it("MERGE … RETURNING reads the merged values", () => {
    const sql = "merge into archive a using customers c on a.id = c.id when matched then update set email = c.email returning a.email, merge_action()";
    expect(columns(sql)).toEqual(["direct:archive.email,customers.email", "derived:"]);
  });

  it("DELETE's WHERE and USING, OFFSET are predicates", () => {
    expect(predicates("delete from orders o using customers c where o.customer_id = c.id and c.email like '%x'")).toEqual(["where customers.email,customers.id,orders.customer_id"]);
    expect(predicates("select id from customers offset (select count(*) from orders where note = 'x')")).toEqual(["where orders.note"]);
  });
});
