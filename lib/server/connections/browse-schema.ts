import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { SchemaDto, SchemaTableDto } from "@/lib/shared/contracts/connections";
import { connectTarget, describeConnectError, targetParamsOf } from "./connect-target";
import { findConnectionRow } from "./list-connections";
import { ServiceError } from "./service-error";

const RELKINDS: Record<string, SchemaTableDto["kind"]> = { r: "table", v: "view", m: "materialized view", f: "foreign table", p: "partitioned table" };

/** Schemas, tables and columns (with types) of a catalog target, read from its system catalog. */
export async function browseSchema(db: Db, secretKey: Buffer, id: string): Promise<SchemaDto> {
  const row = await findConnectionRow(db, id);
  if (!row) throw new ServiceError("This connection does not exist (any more).", 404);
  const params = targetParamsOf(secretKey, row);
  let target;
  try {
    target = await connectTarget(params);
  } catch (err) {
    throw new ServiceError(`Cannot read the schema: ${describeConnectError(err, params).error}`, 422);
  }
  try {
    const { rows } = await target.client.query<{
      schema: string; table: string; relkind: string; reltuples: number; column: string | null; type: string | null; notnull: boolean | null; attnum: number | null;
    }>(`
      select n.nspname as schema, c.relname as table, c.relkind, c.reltuples::float8 as reltuples,
             a.attname as column, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull, a.attnum
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       where c.relkind in ('r','v','m','f','p')
         and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'
         and has_schema_privilege(n.oid, 'USAGE')
       order by n.nspname, c.relname, a.attnum`);
    const schemas = new Map<string, Map<string, SchemaTableDto>>();
    for (const r of rows) {
      const tables = schemas.get(r.schema) ?? new Map<string, SchemaTableDto>();
      schemas.set(r.schema, tables);
      let table = tables.get(r.table);
      if (!table) {
        table = { schema: r.schema, name: r.table, kind: RELKINDS[r.relkind], estimatedRows: r.reltuples >= 0 ? Math.round(r.reltuples) : null, columns: [] };
        tables.set(r.table, table);
      }
      if (r.column) table.columns.push({ name: r.column, type: r.type ?? "unknown", nullable: !r.notnull, position: r.attnum ?? 0 });
    }
    return { schemas: [...schemas].map(([name, tables]) => ({ name, tables: [...tables.values()] })) };
  } finally {
    await target.client.end().catch(() => {});
  }
}
