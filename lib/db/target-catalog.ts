/**
 * Where a result column comes from, read from a target database's own catalog: the gateway's masking
 * (on its catalog connection) and the console's masking preview (on a pg client) both trace columns
 * here, so a view's or a partition's column is matched to the same rules by both. Each side passes
 * its own connection as `TargetCatalogQueries`.
 */

/** A result column as RowDescription describes it: where it comes from and its type. */
export type DescribedField = { name: string; tableOid: number; columnNumber: number; typeOid: number };

export type TargetCatalogQueries = {
  /** Runs catalog SQL with its parameters ($1…, as text) bound, never spliced in; text results, one array per row. */
  query(sql: string, params?: readonly (string | null)[]): Promise<(string | null)[][]>;
  /** The result columns of a query, without a row of its result. */
  describe(sql: string): Promise<DescribedField[]>;
};

/** A table column (`schema.table.column`), the shape masking's column rules are written in. */
export type SourceColumn = { schema: string; table: string; column: string };

export type CatalogColumn = { name: string; typeOid: number; isGenerated: boolean };

/** A table, view or other relation, as masking needs it. */
export type CatalogRelation = {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind: r table, p partitioned, v view, m materialized view, f foreign… */
  kind: string;
  /** The partitioned table at the top, for a partition: rules written on it cover its partitions. */
  root: { schema: string; name: string } | null;
  columns: Map<number, CatalogColumn>;
  /** Views: the columns each view column shows (its definition, described); null for other relations. */
  viewSources: Map<number, SourceColumn[]> | null;
};

/** Relations already known, so that tracing a view does not read them again (the gateway's cache). */
export type RelationCache = {
  get(oid: number): CatalogRelation | undefined;
  set(relation: CatalogRelation): void;
};

/** How deep views over views are followed to their tables. */
export const MAX_VIEW_DEPTH = 4;

/** A view too deeply nested to be traced: callers fail closed rather than leave its columns untraced. */
export class ViewNestingError extends Error {
  constructor(readonly relation: { schema: string; name: string }) {
    super(`view ${relation.schema}.${relation.name} is nested more than ${MAX_VIEW_DEPTH} views deep to be traced`);
  }
}

/**
 * The relations with these OIDs, with their columns, partition roots and (for views) the columns each
 * view column shows; relations not found are left out. `depth` counts the views followed so far.
 */
export async function loadRelations(target: TargetCatalogQueries, oids: readonly number[], depth = 0, cache?: RelationCache): Promise<Map<number, CatalogRelation>> {
  const out = new Map<number, CatalogRelation>();
  if (oids.length === 0) return out;
  const rows = await target.query(
    `
        select c.oid::int8, n.nspname, c.relname, c.relkind, a.attnum, a.attname, a.atttypid::int8, a.attgenerated <> '',
               rn.nspname, r.relname,
               case when c.relkind in ('v', 'm') then pg_catalog.pg_get_viewdef(c.oid) end
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_catalog.pg_class r on c.relispartition and r.oid = pg_catalog.pg_partition_root(c.oid)
        left join pg_catalog.pg_namespace rn on rn.oid = r.relnamespace
        where c.oid = any($1::pg_catalog.oid[])
        order by c.oid, a.attnum`,
    [oidArray(oids)],
  );
  const loaded = new Map<number, CatalogRelation & { viewDefinition: string | null }>();
  for (const [oid, schema, name, kind, attnum, attname, typeOid, isGenerated, rootSchema, rootName, viewDefinition] of rows) {
    const key = Number(oid);
    let r = loaded.get(key);
    if (!r) {
      r = { oid: key, schema: schema!, name: name!, kind: kind!, root: rootName ? { schema: rootSchema!, name: rootName } : null, columns: new Map(), viewSources: null, viewDefinition };
      loaded.set(key, r);
    }
    r.columns.set(Number(attnum), { name: attname!, typeOid: Number(typeOid), isGenerated: isGenerated === "t" });
  }
  for (const r of loaded.values()) {
    if (r.viewDefinition !== null) {
      // Fail closed rather than leave a deeper view's columns untraced.
      if (depth >= MAX_VIEW_DEPTH) throw new ViewNestingError(r);
      r.viewSources = await traceViewColumns(target, r.viewDefinition, depth, cache);
    }
    const { viewDefinition: _, ...relation } = r;
    cache?.set(relation);
    out.set(r.oid, relation);
  }
  return out;
}

/** An array of OIDs as a text parameter ('{1,2}'), for `= any($1::pg_catalog.oid[])`. */
export function oidArray(oids: readonly number[]): string {
  return `{${oids.map((o) => Number(o) >>> 0).join(",")}}`;
}

/**
 * A view's columns, traced to the table columns they show: its definition, described, names each
 * column's origin (a table, or another view, followed in turn). Fails when the definition cannot be
 * described, for instance while a lock is held on the table beneath: a view must not be a way
 * around a column rule.
 */
async function traceViewColumns(target: TargetCatalogQueries, definition: string, depth: number, cache: RelationCache | undefined): Promise<Map<number, SourceColumn[]>> {
  const fields = await target.describe(definition.trim().replace(/;$/, ""));
  const known = new Map<number, CatalogRelation>();
  const missing = new Set<number>();
  for (const f of fields) {
    if (f.tableOid === 0) continue;
    const r = cache?.get(f.tableOid);
    if (r?.columns.has(f.columnNumber)) known.set(r.oid, r);
    else missing.add(f.tableOid);
  }
  if (missing.size > 0) for (const r of (await loadRelations(target, [...missing], depth + 1, cache)).values()) known.set(r.oid, r);
  const out = new Map<number, SourceColumn[]>();
  fields.forEach((f, i) => {
    if (f.tableOid !== 0) out.set(i + 1, columnSources(known, f.tableOid, f.columnNumber));
  });
  return out;
}

/** Every source a result column has: itself, its partition root, and what a view column shows. */
export function columnSources(relations: ReadonlyMap<number, CatalogRelation>, tableOid: number, columnNumber: number): SourceColumn[] {
  const r = relations.get(tableOid);
  const col = r?.columns.get(columnNumber);
  if (!r || !col) return [];
  const out: SourceColumn[] = [{ schema: r.schema, table: r.name, column: col.name }];
  if (r.root) out.push({ schema: r.root.schema, table: r.root.name, column: col.name });
  out.push(...(r.viewSources?.get(columnNumber) ?? []));
  return out;
}
