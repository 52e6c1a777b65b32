/**
 * Catalog SQL the schema tools send through the gateway, as the agent: what it sees is what its
 * privileges on the target let it see, and every one of these statements is recorded like any other.
 * Plain reads of pg_catalog (no functions that touch files or other sessions), one statement each.
 */

/** $1: a schema name or null for every schema the agent can see, except the system's. */
export const LIST_TABLES_SQL = `select n.nspname as schema, c.relname as name,
  case c.relkind when 'r' then 'table' when 'p' then 'partitioned table' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' end as kind,
  case when c.reltuples < 0 then null else c.reltuples::bigint end as row_estimate,
  obj_description(c.oid, 'pg_class') as comment
from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f')
  and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'
  and ($1::text is null or n.nspname = $1::text)
order by 1, 2
limit 2000`;

/** $1: a table name as written (`orders`, `sales.orders`, `"Odd Name"`), resolved on the session's search_path. */
export const RESOLVE_TABLE_SQL = `select c.oid::int8 as oid, n.nspname as schema, c.relname as name,
  case c.relkind when 'r' then 'table' when 'p' then 'partitioned table' when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else c.relkind::text end as kind,
  case when c.reltuples < 0 then null else c.reltuples::bigint end as row_estimate,
  obj_description(c.oid, 'pg_class') as comment
from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.oid = pg_catalog.to_regclass($1::text)`;

/** $1: the table's oid. */
export const TABLE_COLUMNS_SQL = `select a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
  not a.attnotnull as nullable, pg_catalog.pg_get_expr(d.adbin, d.adrelid) as default,
  col_description(a.attrelid, a.attnum) as comment
from pg_catalog.pg_attribute a left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = $1::int8::oid and a.attnum > 0 and not a.attisdropped
order by a.attnum`;

/** $1: the table's oid. Primary, unique, foreign keys and checks, as PostgreSQL prints them. */
export const TABLE_CONSTRAINTS_SQL = `select conname as name,
  case contype when 'p' then 'primary key' when 'u' then 'unique' when 'f' then 'foreign key' when 'c' then 'check' when 'x' then 'exclusion' else contype::text end as type,
  pg_catalog.pg_get_constraintdef(oid, true) as definition
from pg_catalog.pg_constraint where conrelid = $1::int8::oid
order by case contype when 'p' then 0 when 'u' then 1 when 'f' then 2 else 3 end, conname`;

/** $1: the table's oid. */
export const TABLE_INDEXES_SQL = `select ci.relname as name, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true) as definition,
  i.indisprimary as is_primary, i.indisunique as is_unique
from pg_catalog.pg_index i join pg_catalog.pg_class ci on ci.oid = i.indexrelid
where i.indrelid = $1::int8::oid
order by ci.relname`;
