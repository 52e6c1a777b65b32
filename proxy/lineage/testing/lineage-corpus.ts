import { demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { CUSTOMERS } from "../../masking/testing/masking-fixture";

/**
 * The lineage corpus (issue 13, item 7): statements a developer or a hostile agent might send, each
 * with what the client must see in each result column, run through a real gateway with psql and
 * node-postgres (text and binary results) by ../lineage-corpus.itest.ts.
 *
 * What a column may be, compared with a direct read of the same statement from PostgreSQL:
 * - `raw`: equal to the direct read (constants, columns without a rule, exempt aggregates);
 * - `rule-mask`: the source column's rule, as when the column is selected itself (RULE_MASKS);
 * - `masked`: different from the direct read, and holding none of the demo rows' sensitive values
 *   nor their reversal, base64 or hex (LEAK_FORMS): a column lineage traces to a ruled column;
 * - `null`: NULL (a masked binary value of a non-text type cannot be rewritten).
 * A held statement names the reasons its approval request must give.
 */
export const COLUMN_EXPECTATIONS = ["raw", "masked", "rule-mask", "null"] as const;
export type ColumnExpectation = (typeof COLUMN_EXPECTATIONS)[number];
/** Per result format, where they differ (psql reads text). */
export type FormatExpectation = ColumnExpectation | { text: ColumnExpectation; binary: ColumnExpectation };

type CaseBase = {
  /** Unique, short: the test's name. */
  name: string;
  /** The item and construct it covers (README rows point here). */
  covers: string;
  sql: string;
  /** Run before `sql` in the same session (through the gateway, and on the direct connection). */
  setup?: string[];
  /** Run after `sql` in the same session, whatever happened. */
  cleanup?: string[];
};
export type ReadCase = CaseBase & { columns: FormatExpectation[] };
export type HeldCase = CaseBase & {
  /** Each must be among the approval request's reasons. */
  heldFor: string[];
  /** A query on the target (superuser) whose one row has `ok = true` while the write has not happened. */
  isUndone: string;
  /** On the target after the case, so a write that ran anyway does not spoil the next client's case. */
  undo?: string;
};
export type CorpusCase = ReadCase | HeldCase;

export function isHeldCase(c: CorpusCase): c is HeldCase {
  return "heldFor" in c;
}

/** A non-text value computed from a masked column: masked text in text format, NULL in binary. */
const NON_TEXT: FormatExpectation = { text: "masked", binary: "null" };

const EMAIL = "copies masked data from customers.email";
const CARD = "copies masked data from customers.card_number";

/**
 * Objects the corpus reads, made on the target as its owner (not through the gateway): views, a
 * partitioned table with a rule on its root, an opaque function, and tables that copies would fill.
 */
export function corpusSetupSql(owner: string): string {
  return `
create view customer_contacts as select id, email as contact, name from customers;
create view contacts_of_contacts as select id, contact from customer_contacts;
create view customer_shouts as select id, upper(email) as shout from customers;
create table accounts (id int, email text, label text) partition by range (id);
create table accounts_low partition of accounts for values from (0) to (100);
insert into accounts values (1, 'ann@example.com', 'first');
create table orders (id int primary key, customer_id int, total numeric);
insert into orders values (10, 1, 25.5), (11, 2, 40), (12, 1, 7);
create table email_copies (id int, body text);
create function customer_email(i int) returns text language sql stable as $$ select email from customers where id = i $$;
create function open_emails() returns refcursor language plpgsql stable as $$ declare r refcursor := 'fn_cur'; begin open r for select email from customers order by id; return r; end $$;
create domain contact_text as text;
alter view customer_contacts owner to ${owner};
alter view contacts_of_contacts owner to ${owner};
alter view customer_shouts owner to ${owner};
alter table accounts owner to ${owner};
alter table accounts_low owner to ${owner};
alter table orders owner to ${owner};
alter table email_copies owner to ${owner};
alter function customer_email(int) owner to ${owner};
alter function open_emails() owner to ${owner};
alter domain contact_text owner to ${owner};
`;
}

/**
 * The demo policy with every detector off, so that each mask in the corpus is a rule's or
 * lineage's (detectors would catch some of these by content and hide a gap), plus a rule on the
 * partitioned table's root. Held copies time out after 10 s unless the test expires them first.
 */
export function corpusPolicy(): PolicyDocument {
  const demo = demoPolicy();
  return {
    ...demo,
    masking: {
      ...demo.masking,
      detectors: demo.masking.detectors.map((d) => ({ ...d, isEnabled: false })),
      columnRules: [...demo.masking.columnRules, { column: "public.accounts.email", semanticType: "email" }],
      lineage: { ...demo.masking.lineage, timeoutSeconds: 10 },
    },
  };
}

/** The demo policy's mask of each sensitive value (as masking-results.itest.ts checks them). */
export const RULE_MASKS: Readonly<Record<string, string>> = {
  "ann@example.com": "a**@example.com",
  "+14155550123": "+*********23",
  "4111 1111 1111 1111": "**** **** **** 1111",
  "123-45-6789": "***-**-6789",
  "bob.stone@example.org": "b********@example.org",
  "(415) 555-0142": "(***) ***-**42",
  "5500-0000-0000-0004": "****-****-****-0004",
  "234-56-7890": "***-**-7890",
};

/** The demo rows' sensitive values, and how a hostile query would disguise them. */
export const LEAK_FORMS: readonly string[] = (() => {
  const values: string[] = CUSTOMERS.flatMap((c) => [c.email, c.phone, c.card, c.nationalId]);
  values.push("bob.stone");
  for (const v of [...values]) {
    const digits = v.replace(/\D/g, "");
    if (digits.length >= 9) values.push(digits);
  }
  const forms = new Set<string>();
  for (const v of values) {
    for (const s of [v, [...v].reverse().join("")]) {
      forms.add(s.toLowerCase());
      forms.add(Buffer.from(s).toString("base64").toLowerCase());
      forms.add(Buffer.from(s).toString("hex"));
    }
  }
  return [...forms];
})();

export const LINEAGE_CORPUS: CorpusCase[] = [
  // Direct reads: the rule's own mask, as today.
  { name: "ruled and plain columns", covers: "item 1: direct", sql: "select id, name, email, phone, card_number, national_id, notes from customers order by id", columns: ["raw", "raw", "rule-mask", "rule-mask", "rule-mask", "rule-mask", "raw"] },
  { name: "alias", covers: "item 1: direct", sql: "select card_number as x from customers order by id", columns: ["rule-mask"] },
  { name: "derived table", covers: "item 1: subqueries", sql: "select x from (select card_number as x from customers) s order by x", columns: ["rule-mask"] },
  { name: "CTE", covers: "item 1: CTEs", sql: "with s as (select id, email as contact from customers) select contact from s order by id", columns: ["rule-mask"] },
  { name: "view", covers: "item 1: views", sql: "select id, contact, name from customer_contacts order by id", columns: ["raw", "rule-mask", "raw"] },
  { name: "view of a view", covers: "item 1: views", sql: "select contact from contacts_of_contacts order by id", columns: ["rule-mask"] },
  { name: "view computing from a ruled column", covers: "item 1: views", sql: "select id, shout from customer_shouts order by id", columns: ["raw", "masked"] },
  { name: "partition", covers: "item 1: partitions", sql: "select email, label from accounts_low", columns: ["rule-mask", "raw"] },
  { name: "partitioned root", covers: "item 1: partitions", sql: "select email from accounts", columns: ["rule-mask"] },
  { name: "partition, transformed", covers: "item 1: partitions", sql: "select reverse(email) from accounts_low", columns: ["masked"] },
  { name: "c.* expands to the columns", covers: "item 1: whole-row references", sql: "select c.* from customers c order by id", columns: ["raw", "raw", "rule-mask", "rule-mask", "rule-mask", "rule-mask", "raw"] },
  { name: "min and max", covers: "item 1: aggregates that return a value", sql: "select min(email), max(card_number) from customers", columns: ["rule-mask", "rule-mask"] },
  { name: "cast to varchar", covers: "item 1: casts", sql: "select email::varchar as e from customers order by id", columns: ["rule-mask"] },
  { name: "cast to varchar(8) of a card", covers: "attack: a cut value under the column's partial mask", sql: "select card_number::varchar(8), cast(card_number as name) from customers order by id", columns: ["masked", "masked"] },
  { name: "IN subquery keeps the direct column", covers: "item 1: subqueries", sql: "select email from customers where id in (select customer_id from orders) order by id", columns: ["rule-mask"] },

  // The transformations.
  { name: "reverse", covers: "issue: reverse(email)", sql: "select reverse(email) from customers order by id", columns: ["masked"] },
  { name: "base64", covers: "issue: encode(convert_to(email,'UTF8'),'base64')", sql: "select encode(convert_to(email, 'UTF8'), 'base64') from customers order by id", columns: ["masked"] },
  { name: "hex via bytea cast", covers: "issue: encode(email::bytea,'hex')", sql: "select encode(email::bytea, 'hex') from customers order by id", columns: ["masked"] },
  { name: "translate digits", covers: "issue: translate(card_number,…)", sql: "select translate(card_number, '0123456789', 'abcdefghij') from customers order by id", columns: ["masked"] },
  { name: "split_part ||", covers: "issue: split_part(email,'@',1)||'#'||split_part(email,'@',2)", sql: "select split_part(email, '@', 1) || '#' || split_part(email, '@', 2) from customers order by id", columns: ["masked"] },
  { name: "replace national id", covers: "issue: replace(national_id,'-','')", sql: "select replace(national_id, '-', '') from customers order by id", columns: ["masked"] },
  { name: "replace card", covers: "issue: replace(card_number,' ','.')", sql: "select replace(card_number, ' ', '.') from customers order by id", columns: ["masked"] },
  { name: "lpad", covers: "issue: lpad(card_number,30,'0')", sql: "select lpad(card_number, 30, '0') from customers order by id", columns: ["masked"] },
  { name: "array_to_string of split", covers: "issue: array_to_string(regexp_split_to_array(card_number,''),'-')", sql: "select array_to_string(regexp_split_to_array(card_number, ''), '-') from customers order by id", columns: ["masked"] },
  { name: "COPY (reverse) TO STDOUT", covers: "issue: COPY (select reverse(email) …) TO STDOUT; item 2: COPY (query) TO", sql: "copy (select reverse(email) from customers) to stdout", heldFor: [EMAIL], isUndone: "select true as ok" },

  // Functions, operators, casts.
  { name: "upper, and a plain column", covers: "item 1: functions", sql: "select upper(email), lower(name) from customers order by id", columns: ["masked", "raw"] },
  { name: "concatenation", covers: "item 1: operators", sql: "select email || '' from customers order by id", columns: ["masked"] },
  { name: "substr", covers: "item 1: functions", sql: "select substr(card_number, 1, 12) from customers order by id", columns: ["masked"] },
  { name: "concat_ws", covers: "item 1: functions", sql: "select concat_ws(' ', 'call', phone) from customers order by id", columns: ["masked"] },
  { name: "left || right", covers: "item 1: functions, operators", sql: "select left(email, 3) || right(email, 12) from customers order by id", columns: ["masked"] },
  { name: "md5", covers: "item 1: functions", sql: "select md5(email) from customers order by id", columns: ["masked"] },
  { name: "cast to bytea", covers: "item 1: casts (attack: bytea)", sql: "select email::bytea from customers order by id", columns: [NON_TEXT] },
  { name: "bytea cast back to text", covers: "item 1: casts (attack: bytea)", sql: "select email::bytea::text from customers order by id", columns: ["masked"] },
  { name: "to_json", covers: "item 1: JSON constructors (attack: json)", sql: "select to_json(email) from customers order by id", columns: ["masked"] },
  { name: "to_jsonb of a card", covers: "item 1: JSON constructors (attack: json)", sql: "select to_jsonb(card_number) from customers order by id", columns: ["masked"] },
  { name: "card to bigint", covers: "item 1: casts (attack: numeric)", sql: "select replace(replace(card_number, ' ', ''), '-', '')::bigint from customers order by id", columns: [NON_TEXT] },
  { name: "format %s", covers: "item 1: functions (attack: format)", sql: "select format('%s', email) from customers order by id", columns: ["masked"] },
  { name: "format with a plain column", covers: "item 1: functions (attack: format)", sql: "select format('%s|%s', name, card_number) from customers order by id", columns: ["masked"] },
  { name: "collate", covers: "item 1: casts", sql: "select email collate \"C\" from customers order by id", columns: ["masked"] },
  { name: "regexp_replace spacing digits", covers: "attack: regexp_replace", sql: "select regexp_replace(card_number, '(\\d)', '\\1 ', 'g') from customers order by id", columns: ["masked"] },
  { name: "convert round trip", covers: "attack: convert_from(convert_to())", sql: "select convert_from(convert_to(email, 'UTF8'), 'UTF8') from customers order by id", columns: ["masked"] },
  { name: "sha256 hex", covers: "attack: digests", sql: "select encode(sha256(email::bytea), 'hex') from customers order by id", columns: ["masked"] },
  { name: "quote_literal", covers: "attack: quoting", sql: "select quote_literal(national_id) from customers order by id", columns: ["masked"] },
  { name: "overlay", covers: "attack: overlay", sql: "select overlay(card_number placing 'X' from 1 for 1) from customers order by id", columns: ["masked"] },
  { name: "xmlelement", covers: "attack: xml", sql: "select xmlelement(name e, email) from customers order by id", columns: ["masked"] },

  // CASE, COALESCE.
  { name: "CASE", covers: "item 1: CASE", sql: "select case when id = 1 then email else 'none' end from customers order by id", columns: ["masked"] },
  { name: "COALESCE", covers: "item 1: COALESCE", sql: "select coalesce(notes, email) from customers order by id", columns: ["masked"] },
  { name: "NULLIF", covers: "item 1: functions", sql: "select nullif(phone, '') from customers order by id", columns: ["masked"] },
  { name: "GREATEST", covers: "item 1: functions", sql: "select greatest(email, name) from customers order by id", columns: ["masked"] },

  // Subqueries.
  { name: "uncorrelated scalar subquery", covers: "item 1: subqueries", sql: "select (select email from customers where id = 1) as e", columns: ["rule-mask"] },
  { name: "correlated scalar subquery", covers: "item 1: subqueries (correlated)", sql: "select o.id, (select c.email from customers c where c.id = o.customer_id) from orders o order by o.id", columns: ["raw", "masked"] },
  { name: "correlated, transformed", covers: "item 1: subqueries (correlated)", sql: "select o.total, (select reverse(c.card_number) from customers c where c.id = o.customer_id) from orders o order by o.id", columns: ["raw", "masked"] },
  { name: "derived table, transformed", covers: "item 1: subqueries", sql: "select r from (select reverse(card_number) r from customers) t order by r", columns: ["masked"] },
  { name: "string_agg over a subquery", covers: "attack: string_agg over a subquery", sql: "select string_agg(x, '') from (select reverse(email) x from customers order by id) s", columns: ["masked"] },
  { name: "scalar subquery aggregating", covers: "attack: string_agg over a subquery", sql: "select (select string_agg(e, '|' order by e) from (select email e from customers) s) as all_emails", columns: ["masked"] },

  // CTEs.
  { name: "CTE, transformed", covers: "item 1: CTEs", sql: "with e as (select id, email from customers) select upper(email) from e order by id", columns: ["masked"] },
  {
    name: "recursive CTE spelling out an email",
    covers: "item 1: CTEs (recursive)",
    sql: "with recursive chars(i, ch) as (select 1, substr(email, 1, 1) from customers where id = 1 union all select i + 1, substr(c.email, i + 1, 1) from chars, customers c where c.id = 1 and i < length(c.email)) select string_agg(ch, '' order by i) from chars",
    columns: ["masked"],
  },
  { name: "recursive CTE carrying the value", covers: "item 1: CTEs (recursive)", sql: "with recursive r(n, e) as (select 1, email from customers where id = 1 union all select n + 1, e from r where n < 2) select n, e from r order by n", columns: ["raw", "rule-mask"] },

  // Set operations.
  { name: "UNION of one column", covers: "item 1: set operations", sql: "select email from customers where id = 1 union select email from customers where id = 2 order by 1", columns: ["rule-mask"] },
  { name: "UNION ALL mixing a plain column", covers: "item 1: set operations", sql: "select name from customers union all select email from customers order by 1", columns: ["masked"] },
  { name: "INTERSECT", covers: "item 1: set operations", sql: "select email from customers intersect select email from customers order by 1", columns: ["rule-mask"] },
  { name: "EXCEPT, transformed", covers: "item 1: set operations", sql: "select reverse(card_number) from customers except select 'x' order by 1", columns: ["masked"] },

  // LATERAL.
  { name: "LATERAL subquery", covers: "item 1: LATERAL", sql: "select c.id, l.r from customers c cross join lateral (select reverse(c.email) as r) l order by c.id", columns: ["raw", "masked"] },
  { name: "LATERAL column", covers: "item 1: LATERAL", sql: "select c.id, l.e from customers c, lateral (select c.card_number as e) l order by c.id", columns: ["raw", "rule-mask"] },
  { name: "LATERAL unnest of a split", covers: "item 1: LATERAL (attack: splitting)", sql: "select x from customers c, lateral unnest(string_to_array(c.email, '@')) x order by 1", columns: ["masked"] },

  // Window functions.
  { name: "lag", covers: "item 1: window functions", sql: "select id, lag(email) over (order by id) from customers order by id", columns: ["raw", "rule-mask"] },
  { name: "first_value", covers: "item 1: window functions", sql: "select first_value(card_number) over (order by id) from customers order by id", columns: ["rule-mask"] },
  { name: "row_number ordered by a masked column", covers: "item 1: window functions (no value of email returned)", sql: "select id, row_number() over (order by email) from customers order by id", columns: ["raw", "raw"] },

  // Row and JSON constructors, whole-row references.
  { name: "ROW()", covers: "item 1: row constructors", sql: "select row(id, email) from customers order by id", columns: [NON_TEXT] },
  { name: "row constructor cast to text", covers: "item 1: row constructors", sql: "select (id, card_number)::text from customers order by id", columns: ["masked"] },
  { name: "json_build_object", covers: "item 1: JSON constructors", sql: "select json_build_object('e', email, 'n', name) from customers order by id", columns: ["masked"] },
  { name: "jsonb_build_object", covers: "item 1: JSON constructors", sql: "select jsonb_build_object('c', card_number) from customers order by id", columns: ["masked"] },
  { name: "to_json of an array", covers: "item 1: JSON constructors", sql: "select to_json(array[email, phone]) from customers order by id", columns: ["masked"] },
  { name: "json_agg", covers: "item 1: JSON constructors, aggregates", sql: "select json_agg(email order by id) from customers", columns: ["masked"] },
  { name: "to_jsonb(c)", covers: "item 1: whole-row references", sql: "select to_jsonb(c) from customers c order by id", columns: ["masked"] },
  { name: "row_to_json(c)", covers: "item 1: whole-row references", sql: "select row_to_json(c) from customers c order by id", columns: ["masked"] },
  { name: "select c", covers: "item 1: whole-row references", sql: "select c from customers c order by id", columns: [NON_TEXT] },
  { name: "(c).email", covers: "item 1: whole-row references", sql: "select (c).email from customers c order by id", columns: ["rule-mask"] },
  { name: "unnest of an array", covers: "item 1: functions (set-returning)", sql: "select unnest(array[email, phone]) from customers where id = 1", columns: ["masked"] },

  // Aggregates: exempt ones stay raw, others are masked.
  { name: "count(email)", covers: "item 1: exempt aggregates", sql: "select count(email) from customers", columns: ["raw"] },
  { name: "count(distinct email)", covers: "item 1: exempt aggregates", sql: "select count(distinct email) from customers", columns: ["raw"] },
  { name: "bool_or on a predicate", covers: "item 1: exempt aggregates", sql: "select bool_or(email like '%x%') from customers", columns: ["raw"] },
  { name: "count(*) with a predicate on a masked column", covers: "item 3: inference is off by default", sql: "select count(*) from customers where card_number like '4111%'", columns: ["raw"] },
  { name: "string_agg", covers: "item 1: aggregates that reveal values", sql: "select string_agg(email, ',' order by id) from customers", columns: ["masked"] },
  { name: "array_agg", covers: "item 1: aggregates that reveal values", sql: "select array_agg(card_number order by id) from customers", columns: [NON_TEXT] },

  // Constants and plain columns stay raw.
  { name: "constants", covers: "item 1: constants", sql: "select 1 as one, 'ann@example.com' as literal, name from customers order by id", columns: ["raw", "raw", "raw"] },
  { name: "plain columns", covers: "item 1: non-masked columns", sql: "select id, name, notes, length(name) from customers order by id", columns: ["raw", "raw", "raw", "raw"] },
  { name: "plain table", covers: "item 1: non-masked columns", sql: "select id, customer_id, total from orders order by id", columns: ["raw", "raw", "raw"] },

  // PREPARE / EXECUTE and cursors.
  {
    name: "PREPARE / EXECUTE",
    covers: "item 1: PREPARE/EXECUTE",
    setup: ["prepare corpus_p(int) as select name, email, reverse(card_number) from customers where id = $1"],
    sql: "execute corpus_p(1)",
    cleanup: ["deallocate corpus_p"],
    columns: ["raw", "rule-mask", "masked"],
  },
  {
    name: "DECLARE / FETCH",
    covers: "item 1: cursors",
    setup: ["begin", "declare corpus_cur cursor for select id, email, upper(national_id) from customers order by id"],
    sql: "fetch all from corpus_cur",
    cleanup: ["commit"],
    columns: ["raw", "rule-mask", "masked"],
  },
  {
    name: "DECLARE / FETCH one at a time",
    covers: "item 1: cursors",
    setup: ["begin", "declare corpus_cur2 cursor for select reverse(phone) from customers order by id", "fetch 1 from corpus_cur2"],
    sql: "fetch 1 from corpus_cur2",
    cleanup: ["commit"],
    columns: ["masked"],
  },

  // Temp tables inherit the lineage of what they were made from, for the session.
  {
    name: "temp table made from masked columns",
    covers: "item 2: temp tables",
    setup: ["create temp table corpus_tmp as select id, email, reverse(card_number) as rc from customers"],
    sql: "select id, email, rc from corpus_tmp order by id",
    // DISCARD TEMP, not DROP TABLE: the default policy holds a person's DROP for a reviewer.
    cleanup: ["discard temp"],
    columns: ["raw", "masked", "masked"],
  },

  // Undetermined: fail closed (policy undetermined = mask).
  { name: "user function over customers", covers: "item 1: undetermined (opaque function)", sql: "select customer_email(1)", columns: ["masked"] },
  { name: "user function beside a plain column", covers: "item 1: undetermined (opaque function)", sql: "select name, customer_email(id) from customers order by id", columns: ["raw", "masked"] },
  { name: "query_to_xml", covers: "item 1: undetermined (dynamic SQL)", sql: "select query_to_xml('select email from customers order by id', true, false, '')", columns: ["masked"] },

  // Attack-like variants: per character.
  { name: "to_hex(ascii) per character", covers: "attack: to_hex/ascii per char via generate_series", sql: "select to_hex(ascii(substr(email, i, 1))) from customers, generate_series(1, 15) i where id = 1 order by i", columns: ["masked"] },
  { name: "ascii per character", covers: "attack: ascii per char via generate_series", sql: "select i, ascii(substr(card_number, i, 1)) from customers, generate_series(1, 19) i where id = 1 order by i", columns: ["raw", NON_TEXT] },
  { name: "chr(ascii()) per character, aggregated", covers: "attack: per char", sql: "select string_agg(chr(ascii(substr(national_id, i, 1))), '' order by i) from customers, generate_series(1, 11) i where id = 1", columns: ["masked"] },

  // More attack-like variants: getting the value back out of what hides it.
  { name: "->> out of to_jsonb(c)", covers: "attack: JSON field extraction", sql: "select to_jsonb(c) ->> 'email' from customers c order by id", columns: ["masked"] },
  { name: "->> out of row_to_json(c)::jsonb", covers: "attack: JSON field extraction", sql: "select (row_to_json(c)::jsonb) ->> 'card_number' from customers c order by id", columns: ["masked"] },
  { name: "jsonb_each_text of a row", covers: "attack: JSON set-returning functions", sql: "select key, value from customers c, jsonb_each_text(to_jsonb(c)) where c.id = 1 and key = 'email'", columns: ["masked", "masked"] },
  { name: "subscript of array_agg", covers: "attack: array subscript", sql: "select (array_agg(email order by id))[1] from customers", columns: ["masked"] },
  { name: "array constructor", covers: "item 1: row constructors (arrays)", sql: "select array[email, name] from customers order by id", columns: [NON_TEXT] },
  { name: "unnest(array(subquery))", covers: "attack: array of a subquery", sql: "select x from unnest(array(select email from customers order by id)) x", columns: ["masked"] },
  { name: "regexp_matches per character", covers: "attack: per char", sql: "select (regexp_matches(email, '(.)', 'g'))[1] from customers where id = 1", columns: ["masked"] },
  { name: "substr per character over generate_series", covers: "attack: per char via generate_series", sql: "select i, substr(card_number, i, 1) from customers, generate_series(1, 19) i where id = 1 order by i", columns: ["raw", "masked"] },
  { name: "reverse(reverse())", covers: "attack: transformations that cancel out", sql: "select reverse(reverse(email)) from customers order by id", columns: ["masked"] },
  { name: "CASE on a predicate of a masked column", covers: "item 1: CASE (the condition feeds the value)", sql: "select case when email like 'a%' then 'A' else 'B' end from customers order by id", columns: ["masked"] },
  { name: "boolean computed from a card", covers: "item 1: operators", sql: "select card_number like '4111%' from customers order by id", columns: [NON_TEXT] },
  { name: "length", covers: "item 1: functions (non-text result)", sql: "select length(email) from customers order by id", columns: [NON_TEXT] },
  { name: "hashtext", covers: "attack: digests", sql: "select hashtext(email) from customers order by id", columns: [NON_TEXT] },
  { name: "cast to char(3)", covers: "item 1: casts", sql: "select email::char(3) from customers order by id", columns: ["masked"] },
  { name: "VALUES in LATERAL", covers: "item 1: LATERAL", sql: "select v.e from customers c, lateral (values (c.email)) v(e) order by c.id", columns: ["masked"] },
  { name: "window string_agg", covers: "item 1: window functions", sql: "select string_agg(email, ',') over (order by id) from customers order by id", columns: ["masked"] },
  { name: "nth_value", covers: "item 1: window functions", sql: "select nth_value(email, 2) over (order by id rows between unbounded preceding and unbounded following) from customers order by id", columns: ["rule-mask"] },
  { name: "GROUP BY a masked column", covers: "item 1: direct through GROUP BY", sql: "select email, count(*) from customers group by email order by 1", columns: ["rule-mask", "raw"] },
  { name: "DISTINCT ON", covers: "item 1: direct", sql: "select distinct on (email) email, name from customers order by email", columns: ["rule-mask", "raw"] },
  { name: "TABLE customers", covers: "item 1: direct (TABLE)", sql: "table customers order by id", columns: ["raw", "raw", "rule-mask", "rule-mask", "rule-mask", "rule-mask", "raw"] },
  { name: "select * from a view", covers: "item 1: views", sql: "select * from customer_contacts order by id", columns: ["raw", "rule-mask", "raw"] },
  { name: "MATERIALIZED CTE", covers: "item 1: CTEs", sql: "with t as materialized (select id, reverse(phone) p from customers) select p from t order by id", columns: ["masked"] },
  { name: "json_object_agg", covers: "item 1: JSON constructors, aggregates", sql: "select json_object_agg(id, email order by id) from customers", columns: ["masked"] },
  { name: "scalar record subquery", covers: "item 1: subqueries, whole-row references", sql: "select (select c from customers c where id = 1)", columns: [NON_TEXT] },
  { name: "xpath over query_to_xml, as text", covers: "item 1: undetermined (dynamic SQL)", sql: "select (xpath('//email/text()', query_to_xml('select email from customers order by id', true, false, '')))[1]::text", columns: ["masked"] },
  { name: "xpath over query_to_xml, an xml array", covers: "item 1: undetermined (dynamic SQL, non-text result)", sql: "select xpath('//email/text()', query_to_xml('select email from customers order by id', true, false, ''))", columns: [NON_TEXT] },
  { name: "predicate only: the plain column stays raw", covers: "item 3: inference is off by default", sql: "select name from customers where email = (select email from customers where id = 1)", columns: ["raw"] },

  // Hostile variants against the session state and the catalog.
  {
    name: "FETCH from a cursor a function opened",
    covers: "item 1: cursors (opened where the gateway cannot see)",
    setup: ["begin", "select open_emails()"],
    sql: "fetch all from fn_cur",
    cleanup: ["commit"],
    columns: ["masked"],
  },
  {
    name: "cursor WITH HOLD, fetched after COMMIT",
    covers: "item 1: cursors",
    setup: ["begin", "declare corpus_hold cursor with hold for select reverse(email), email from customers order by id", "commit"],
    sql: "fetch all from corpus_hold",
    cleanup: ["close corpus_hold"],
    columns: ["masked", "rule-mask"],
  },
  {
    name: "temporary view",
    covers: "item 1: views (temporary)",
    setup: ["create temp view corpus_tmpv as select id, reverse(card_number) as rc, email from customers"],
    sql: "select rc, email from corpus_tmpv order by id",
    cleanup: ["discard temp"],
    columns: ["masked", "masked"],
  },
  { name: "cast to a domain over text", covers: "item 1: casts (domain)", sql: "select email::contact_text from customers order by id", columns: ["masked"] },
  { name: "schema-qualified and quoted names", covers: "item 1: direct", sql: "select \"public\".\"customers\".\"email\" from public.customers order by id", columns: ["rule-mask"] },
  { name: "pg_catalog-qualified builtin", covers: "item 1: functions", sql: "select pg_catalog.reverse(email) from customers order by id", columns: ["masked"] },
  { name: "textcat", covers: "item 1: functions (an operator's function)", sql: "select textcat(email, '') from customers order by id", columns: ["masked"] },
  { name: "jsonb_to_record out of to_jsonb(c)", covers: "attack: JSON record functions", sql: "select x.email from customers c, jsonb_to_record(to_jsonb(c)) as x(email text) order by c.id", columns: ["masked"] },
  { name: "jsonb_populate_record", covers: "attack: JSON record functions", sql: "select (jsonb_populate_record(null::customers, to_jsonb(c))).card_number from customers c order by id", columns: ["masked"] },
  { name: "regexp_split_to_table", covers: "attack: splitting into rows", sql: "select regexp_split_to_table(card_number, ' ') from customers where id = 1", columns: ["masked"] },
  { name: "xmlagg", covers: "attack: xml", sql: "select xmlagg(xmlelement(name e, email) order by id) from customers", columns: ["masked"] },
  { name: "format with a position", covers: "attack: format", sql: "select format('%1$s', national_id) from customers order by id", columns: ["masked"] },
  { name: "ascii per character of an opaque function", covers: "item 1: undetermined (non-text result)", sql: "select i, ascii(substr(customer_email(1), i, 1)) from generate_series(1, 15) i order by i", columns: ["raw", NON_TEXT] },
  { name: "GROUPING SETS", covers: "item 1: aggregates", sql: "select email, count(*) from customers group by grouping sets ((email), ()) order by 1 nulls last", columns: ["rule-mask", "raw"] },

  { name: "percentile_disc", covers: "item 1: aggregates that return a value", sql: "select percentile_disc(0.5) within group (order by email) from customers", columns: ["rule-mask"] },
  { name: "mode()", covers: "item 1: aggregates that return a value", sql: "select mode() within group (order by card_number) from customers", columns: ["rule-mask"] },
  { name: "JOIN … USING a masked column", covers: "item 1: direct through joins", sql: "select email from customers c1 join customers c2 using (email) order by 1", columns: ["rule-mask"] },
  { name: "RETURNING of a write that copies nothing", covers: "item 1: writes' RETURNING", sql: "update customers set notes = notes where id = 1 returning email, reverse(card_number), notes", columns: ["rule-mask", "masked", "raw"] },

  // Copies (item 2): held for a reviewer.
  { name: "INSERT … SELECT", covers: "item 2: INSERT … SELECT", sql: "insert into email_copies (id, body) select id, email from customers", heldFor: [EMAIL], isUndone: "select count(*) = 0 as ok from email_copies", undo: "delete from email_copies" },
  { name: "INSERT … SELECT, transformed", covers: "item 2: INSERT … SELECT", sql: "insert into email_copies (id, body) select id, reverse(email) from customers", heldFor: [EMAIL], isUndone: "select count(*) = 0 as ok from email_copies", undo: "delete from email_copies" },
  { name: "INSERT … SELECT of a card", covers: "item 2: INSERT … SELECT", sql: "insert into email_copies select id, card_number from customers", heldFor: [CARD], isUndone: "select count(*) = 0 as ok from email_copies", undo: "delete from email_copies" },
  { name: "UPDATE … SET other = masked", covers: "item 2: UPDATE … SET", sql: "update customers set notes = email where id = 1", heldFor: [EMAIL], isUndone: "select notes = 'prefers email' as ok from customers where id = 1", undo: "update customers set notes = 'prefers email' where id = 1" },
  { name: "CREATE TABLE AS", covers: "item 2: CREATE TABLE AS", sql: "create table corpus_leak_ctas as select id, reverse(email) as r from customers", heldFor: [EMAIL], isUndone: "select to_regclass('public.corpus_leak_ctas') is null as ok", undo: "drop table if exists corpus_leak_ctas" },
  { name: "SELECT INTO", covers: "item 2: SELECT INTO", sql: "select email into corpus_leak_into from customers", heldFor: [EMAIL], isUndone: "select to_regclass('public.corpus_leak_into') is null as ok", undo: "drop table if exists corpus_leak_into" },
  { name: "COPY (query) TO STDOUT", covers: "item 2: COPY (query) TO", sql: "copy (select id, email from customers) to stdout", heldFor: [EMAIL], isUndone: "select true as ok" },
  { name: "CREATE MATERIALIZED VIEW", covers: "item 2: CREATE VIEW (materialized)", sql: "create materialized view corpus_leak_mv as select email from customers", heldFor: [EMAIL], isUndone: "select to_regclass('public.corpus_leak_mv') is null as ok", undo: "drop materialized view if exists corpus_leak_mv" },
  { name: "MERGE … INSERT", covers: "item 2: writes (attack: MERGE)", sql: "merge into email_copies t using customers c on t.id = c.id when not matched then insert values (c.id, c.email)", heldFor: [EMAIL], isUndone: "select count(*) = 0 as ok from email_copies", undo: "delete from email_copies" },
  { name: "data-modifying CTE", covers: "item 2: INSERT … SELECT (in a CTE)", sql: "with moved as (insert into email_copies select id, email from customers returning id) select count(*) from moved", heldFor: [EMAIL], isUndone: "select count(*) = 0 as ok from email_copies", undo: "delete from email_copies" },
  { name: "CREATE TABLE AS TABLE", covers: "item 2: CREATE TABLE AS", sql: "create table corpus_leak_all as table customers", heldFor: ["copies masked data from customers.email, customers.phone, customers.card_number, customers.national_id"], isUndone: "select to_regclass('public.corpus_leak_all') is null as ok", undo: "drop table if exists corpus_leak_all" },
  { name: "COPY (query) TO STDOUT as CSV", covers: "item 2: COPY (query) TO", sql: "copy (select upper(national_id) from customers) to stdout with (format csv)", heldFor: ["copies masked data from customers.national_id"], isUndone: "select true as ok" },
  {
    // Only a temporary table made from the query (CREATE TEMP TABLE … AS) inherits its masks: an
    // INSERT … SELECT into one that exists is a copy like any other.
    name: "INSERT … SELECT into a temporary table",
    covers: "item 2: INSERT … SELECT; temp tables",
    setup: ["create temp table corpus_tmp2 (e text)"],
    sql: "insert into corpus_tmp2 select email from customers",
    cleanup: ["discard temp"],
    heldFor: [EMAIL],
    isUndone: "select true as ok",
  },
  { name: "CREATE VIEW", covers: "item 2: CREATE VIEW", sql: "create view corpus_leak_view as select email from customers", heldFor: [EMAIL], isUndone: "select to_regclass('public.corpus_leak_view') is null as ok", undo: "drop view if exists corpus_leak_view" },
];
