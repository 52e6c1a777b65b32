import type { ColumnSource } from "@/lib/policy/masking";
import type { CatalogQueries, DescribedField } from "./catalog-client";
import { builtInValueClass, valueClassOfSendFunction, type ValueClass } from "./value-types";

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
  viewSources: Map<number, ColumnSource[]> | null;
};

/** How deep views over views are followed to their tables. */
const MAX_VIEW_DEPTH = 4;

/**
 * One connection's catalog as masking sees it, cached in this worker for all its sessions: which
 * table and column a result column comes from (RowDescription's table OID and attribute number),
 * and how values of a type are laid out in binary. Table OIDs and attribute numbers are never
 * reused for another column, but names change (ALTER … RENAME), so the cache is dropped when the
 * policy changes, after a DDL statement through the gateway, and after `maxAgeMs` for DDL elsewhere.
 * A relation or column that is not found (created in a transaction not yet committed) is not cached.
 */
export class ColumnCatalog {
  private relations = new Map<number, CatalogRelation>();
  private types = new Map<number, ValueClass>();
  private loadedAt = Date.now();
  private client: CatalogQueries | null = null;
  private opening: Promise<CatalogQueries> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly open: () => Promise<CatalogQueries>,
    private readonly opts: { maxAgeMs: number; idleMs: number },
  ) {}

  clear(): void {
    this.relations = new Map();
    this.types = new Map();
    this.loadedAt = Date.now();
  }

  close(): void {
    this.clear();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.client?.close();
    this.client = null;
  }

  /** The relations, if every one (and every listed column) is cached; otherwise null. */
  peekRelations(columns: readonly { tableOid: number; columnNumber: number }[]): Map<number, CatalogRelation> | null {
    this.expireIfOld();
    const out = new Map<number, CatalogRelation>();
    for (const c of columns) {
      if (c.tableOid === 0) continue;
      const r = this.relations.get(c.tableOid);
      if (!r || (c.columnNumber > 0 && !r.columns.has(c.columnNumber))) return null;
      out.set(r.oid, r);
    }
    return out;
  }

  peekTypes(typeOids: readonly number[]): Map<number, ValueClass> | null {
    const out = new Map<number, ValueClass>();
    for (const t of typeOids) {
      const cls = builtInValueClass(t) ?? this.types.get(t);
      if (cls === undefined) return null;
      out.set(t, cls);
    }
    return out;
  }

  /**
   * The relations of these columns, loading what is not cached (or lacks a column); relations not
   * found are left out. The answer is its own snapshot: a cache cleared meanwhile changes nothing in it.
   */
  async relationsFor(columns: readonly { tableOid: number; columnNumber: number }[]): Promise<Map<number, CatalogRelation>> {
    const out = new Map<number, CatalogRelation>();
    const missing = new Set<number>();
    for (const c of columns) {
      if (c.tableOid === 0) continue;
      const r = this.relations.get(c.tableOid);
      if (r && (c.columnNumber <= 0 || r.columns.has(c.columnNumber))) out.set(r.oid, r);
      else missing.add(c.tableOid);
    }
    if (missing.size > 0) for (const r of (await this.loadRelations([...missing], 0)).values()) out.set(r.oid, r);
    return out;
  }

  async typesFor(typeOids: readonly number[]): Promise<Map<number, ValueClass>> {
    const missing = [...new Set(typeOids.filter((t) => builtInValueClass(t) === undefined && !this.types.has(t)))];
    const loaded = new Map<number, ValueClass>();
    if (missing.length > 0) {
      const rows = await this.run((c) => c.query(`select t.oid::int8, t.typsend::regproc::text from pg_catalog.pg_type t where t.oid = any('{${missing.join(",")}}'::pg_catalog.oid[])`));
      for (const [oid, send] of rows) loaded.set(Number(oid), valueClassOfSendFunction(send ?? ""));
      for (const [oid, cls] of loaded) this.types.set(oid, cls);
    }
    // A type the catalog does not know (dropped meanwhile) is read as the safest class.
    return new Map(typeOids.map((t) => [t, builtInValueClass(t) ?? loaded.get(t) ?? this.types.get(t) ?? "other"]));
  }

  /**
   * A relation named in a statement (COPY table TO STDOUT). Unqualified names are looked up with the
   * catalog connection's search_path, which is the stored role's default; a session that changed
   * its own may mean another table of the same name.
   */
  async relationByName(schema: string | null, name: string): Promise<CatalogRelation | null> {
    const qualified = schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
    const rows = await this.run((c) => c.query(`select pg_catalog.to_regclass(${quoteLiteral(qualified)})::pg_catalog.oid::int8`));
    const oid = rows[0]?.[0] ? Number(rows[0][0]) : 0;
    if (!oid) return null;
    return (await this.relationsFor([{ tableOid: oid, columnNumber: 0 }])).get(oid) ?? null;
  }

  /** Describes (never runs) a query on the catalog connection: where its result columns come from. */
  describe(sql: string): Promise<DescribedField[]> {
    return this.run((c) => c.describe(sql));
  }

  private async loadRelations(oids: number[], depth: number): Promise<Map<number, CatalogRelation>> {
    const rows = await this.run((c) =>
      c.query(`
        select c.oid::int8, n.nspname, c.relname, c.relkind, a.attnum, a.attname, a.atttypid::int8, a.attgenerated <> '',
               rn.nspname, r.relname,
               case when c.relkind in ('v', 'm') then pg_catalog.pg_get_viewdef(c.oid) end
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_catalog.pg_class r on c.relispartition and r.oid = pg_catalog.pg_partition_root(c.oid)
        left join pg_catalog.pg_namespace rn on rn.oid = r.relnamespace
        where c.oid = any('{${oids.join(",")}}'::pg_catalog.oid[])
        order by c.oid, a.attnum`),
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
    const out = new Map<number, CatalogRelation>();
    for (const r of loaded.values()) {
      if (r.viewDefinition !== null) {
        // Fail closed rather than leave a deeper view's columns untraced.
        if (depth >= MAX_VIEW_DEPTH) throw new Error(`view ${r.schema}.${r.name} is nested more than ${MAX_VIEW_DEPTH} views deep to be traced`);
        r.viewSources = await this.viewSources(r.viewDefinition, depth);
      }
      const { viewDefinition: _, ...relation } = r;
      this.relations.set(r.oid, relation);
      out.set(r.oid, relation);
    }
    return out;
  }

  /**
   * A view's columns, traced to the table columns they show: its definition, described on the
   * catalog connection, names each column's origin (a table, or another view, followed in turn).
   * Fails (and so fails the result) when the definition cannot be described, for instance while
   * the client holds a lock on the table beneath: a view must not be a way around a column rule.
   */
  private async viewSources(definition: string, depth: number): Promise<Map<number, ColumnSource[]>> {
    const fields = await this.describe(definition.trim().replace(/;$/, ""));
    const origins = fields.filter((f) => f.tableOid !== 0);
    const known = new Map<number, CatalogRelation>();
    const missing = new Set<number>();
    for (const f of origins) {
      const r = this.relations.get(f.tableOid);
      if (r?.columns.has(f.columnNumber)) known.set(r.oid, r);
      else missing.add(f.tableOid);
    }
    if (missing.size > 0) for (const r of (await this.loadRelations([...missing], depth + 1)).values()) known.set(r.oid, r);
    const out = new Map<number, ColumnSource[]>();
    fields.forEach((f, i) => {
      if (f.tableOid !== 0) out.set(i + 1, columnSources(known, f.tableOid, f.columnNumber));
    });
    return out;
  }

  private expireIfOld(): void {
    if (Date.now() - this.loadedAt > this.opts.maxAgeMs) this.clear();
  }

  /** Runs a request on the catalog connection, opening it when needed; closes it after `idleMs` unused. */
  private async run<T>(request: (c: CatalogQueries) => Promise<T>): Promise<T> {
    this.expireIfOld();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      if (!this.client || this.client.isClosed) {
        this.opening ??= this.open().finally(() => (this.opening = null));
        this.client = await this.opening;
      }
      return await request(this.client);
    } finally {
      this.idleTimer = setTimeout(() => {
        this.client?.close();
        this.client = null;
      }, this.opts.idleMs);
      this.idleTimer.unref();
    }
  }
}

/** Every source a result column has: itself, its partition root, and what a view column shows. */
export function columnSources(relations: ReadonlyMap<number, CatalogRelation>, tableOid: number, columnNumber: number): ColumnSource[] {
  const r = relations.get(tableOid);
  const col = r?.columns.get(columnNumber);
  if (!r || !col) return [];
  const out: ColumnSource[] = [{ schema: r.schema, table: r.name, column: col.name }];
  if (r.root) out.push({ schema: r.root.schema, table: r.root.name, column: col.name });
  out.push(...(r.viewSources?.get(columnNumber) ?? []));
  return out;
}

function quoteIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
