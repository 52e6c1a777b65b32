import { getTableColumns, getTableName, is, SQL, type InferSelectModel } from "drizzle-orm";
import { PgDialect, type PgColumn, type PgTable } from "drizzle-orm/pg-core";
import pg from "pg";

/**
 * SQL that writes many rows of a table in one statement from ONE jsonb parameter: an array of row
 * objects keyed as the Drizzle schema keys them (the camelCase keys of `$inferInsert`), so rows built
 * from the schema's types are sent as they are, with one JSON.stringify per batch. Column names, SQL
 * types and defaults come from the table's column config, never from a hand-written list. The text
 * does not depend on the number of rows, so the statement can be prepared once per connection.
 */

export type ColumnKey<T extends PgTable> = keyof InferSelectModel<T> & string;

const dialect = new PgDialect();
const quote = (name: string) => pg.escapeIdentifier(name);

function columnsOf<T extends PgTable>(table: T, keys?: readonly ColumnKey<T>[]): [string, PgColumn][] {
  const all = getTableColumns(table) as Record<string, PgColumn>;
  if (!keys) return Object.entries(all);
  return keys.map((k) => {
    const column = all[k];
    if (!column) throw new Error(`${getTableName(table)} has no column ${k}`);
    return [k, column];
  });
}

/** `jsonb_to_recordset($1::jsonb) as v("id" uuid, "sessionId" uuid, ...)`: the rows of `param`, typed by the schema. */
export function recordsetSource<T extends PgTable>(table: T, param: string, opts: { keys?: readonly ColumnKey<T>[]; alias?: string } = {}): string {
  const defs = columnsOf(table, opts.keys).map(([key, column]) => `${quote(key)} ${column.getSQLType()}`);
  return `jsonb_to_recordset(${param}::jsonb) as ${opts.alias ?? "v"}(${defs.join(", ")})`;
}

/**
 * `insert into t (...) select ... from jsonb_to_recordset(param)`: every column but generated ones;
 * a key missing from a row (or null) gets the column's default, as Drizzle's insert would.
 */
export function insertFromRecordset<T extends PgTable>(table: T, param: string): string {
  const columns = columnsOf(table).filter(([, c]) => !c.generatedIdentity && !c.generated);
  const names = columns.map(([, c]) => quote(c.name));
  const values = columns.map(([key, c]) => {
    const fallback = defaultExpression(c);
    return fallback ? `coalesce(v.${quote(key)}, ${fallback})` : `v.${quote(key)}`;
  });
  const keys = columns.map(([key]) => key as ColumnKey<T>);
  return `insert into ${quote(getTableName(table))} (${names.join(", ")}) select ${values.join(", ")} from ${recordsetSource(table, param, { keys })}`;
}

/**
 * `update t set ... from jsonb_to_recordset(param) where t.<match> = v.<match>`: each row updates
 * the `set` columns of the row it matches. `keepWhenNull`: a key missing from a row (or null) leaves
 * the column as it is, so one statement can carry rows that each change a different subset; `keep`:
 * the same for these columns only.
 */
export function updateFromRecordset<T extends PgTable>(
  table: T,
  param: string,
  opts: { match: ColumnKey<T> | readonly ColumnKey<T>[]; set: readonly ColumnKey<T>[]; keepWhenNull?: boolean; keep?: readonly ColumnKey<T>[] },
): string {
  // Several match keys: a partitioned table matched on its whole key (id and the partition column) lets PostgreSQL go to the one partition.
  const matchKeys: readonly ColumnKey<T>[] = Array.isArray(opts.match) ? opts.match : [opts.match as ColumnKey<T>];
  const matches = columnsOf(table, matchKeys).map(([key, c]) => `t.${quote(c.name)} = v.${quote(key)}`);
  const sets = columnsOf(table, opts.set).map(([key, c]) => `${quote(c.name)} = ${opts.keepWhenNull || opts.keep?.includes(key as ColumnKey<T>) ? `coalesce(v.${quote(key)}, t.${quote(c.name)})` : `v.${quote(key)}`}`);
  return `update ${quote(getTableName(table))} as t set ${sets.join(", ")} from ${recordsetSource(table, param, { keys: [...matchKeys, ...opts.set] })} where ${matches.join(" and ")}`;
}

/** The column's default as SQL text, or null when it has none. */
function defaultExpression(column: PgColumn): string | null {
  if (column.default === undefined) {
    // A JS-side default ($defaultFn) cannot run in SQL: the caller fills it in.
    if (column.defaultFn) throw new Error(`column ${column.name} has a $defaultFn; fill it in before writing`);
    return null;
  }
  const value = column.default;
  if (is(value, SQL)) {
    const query = dialect.sqlToQuery(value);
    if (query.params.length) throw new Error(`column ${column.name}'s default has parameters`);
    return `(${query.sql})`;
  }
  return `${pg.escapeLiteral(String(column.mapToDriverValue(value)))}::${column.getSQLType()}`;
}
