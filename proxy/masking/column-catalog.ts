import { loadRelations, oidArray, type CatalogRelation, type DescribedField, type RelationCache, type TargetCatalogQueries } from "@/lib/db/target-catalog";
import { builtInValueClass, valueClassOfSendFunction, type ValueClass } from "@/lib/policy/masking";
import type { CatalogQueries } from "./catalog-client";

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
  /** Bumped by every clear(): what others cached from the catalog before (lineage, proxy/lineage) is stale. */
  private epochNumber = 0;

  constructor(
    private readonly open: () => Promise<CatalogQueries>,
    private readonly opts: { maxAgeMs: number; idleMs: number },
  ) {}

  clear(): void {
    this.relations = new Map();
    this.types = new Map();
    this.loadedAt = Date.now();
    this.epochNumber++;
  }

  /** Which catalog generation is current (after expiring an old one): caches built on it key on this. */
  epoch(): number {
    this.expireIfOld();
    return this.epochNumber;
  }

  /** Catalog SQL on this connection (lineage's loader, lib/db/lineage-catalog.ts), one request at a time like the rest. */
  query(sql: string, params?: readonly (string | null)[]): Promise<(string | null)[][]> {
    return this.run((c) => c.query(sql, params));
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
      const rows = await this.run((c) => c.query("select t.oid::int8, t.typsend::regproc::text from pg_catalog.pg_type t where t.oid = any($1::pg_catalog.oid[])", [oidArray(missing)]));
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
    // A bound parameter: the name comes from the client's statement.
    const rows = await this.run((c) => c.query("select pg_catalog.to_regclass($1)::pg_catalog.oid::int8", [qualified]));
    const oid = rows[0]?.[0] ? Number(rows[0][0]) : 0;
    if (!oid) return null;
    return (await this.relationsFor([{ tableOid: oid, columnNumber: 0 }])).get(oid) ?? null;
  }

  /** Describes (never runs) a query on the catalog connection: where its result columns come from. */
  describe(sql: string): Promise<DescribedField[]> {
    return this.run((c) => c.describe(sql));
  }

  private loadRelations(oids: number[], depth: number): Promise<Map<number, CatalogRelation>> {
    const target: TargetCatalogQueries = { query: (sql, params) => this.run((c) => c.query(sql, params)), describe: (sql) => this.describe(sql) };
    // Read through `this.relations` each time: a cache cleared meanwhile is the one filled.
    const cache: RelationCache = { get: (oid) => this.relations.get(oid), set: (r) => this.relations.set(r.oid, r) };
    return loadRelations(target, oids, depth, cache);
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

function quoteIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
