import { analyzeLineage, unfollowed } from "../policy/lineage/analyze-lineage";
import { loadClassifier } from "../policy/classify-statement";
import { unionSources } from "../policy/lineage/lineage-values";
import type { ColumnLineage, LineageCatalog, LineageRelation, MissingCatalogEntries, StatementLineage } from "../policy/lineage/lineage-types";
import type { TargetCatalogQueries } from "./target-catalog";

/**
 * The catalog lineage analysis reads (lib/policy/lineage/analyze-lineage.ts), loaded from a target
 * database by name: the analyzer says which relations and functions it is missing, this loads them
 * in one query per kind, and `resolveLineage` runs the analysis again until nothing is missing.
 */

export type LineageCatalogEntries = {
  relations: { schema: string | null; name: string; relations: LineageRelation[] }[];
  /** `mayWrite`: a user function some definition of which is VOLATILE (absent: it may). */
  functions: { schema: string | null; name: string; kind: "builtin" | "user"; mayWrite?: boolean }[];
  operators?: { name: string; kind: "builtin" | "user" }[];
};

function key(schema: string | null, name: string): string {
  return `${schema ?? ""}\u0000${name}`;
}

/**
 * A catalog the run/load/re-run loop (resolveLineage) can fill: `record` takes what was loaded for
 * `missing`, and must leave no name of `missing` unanswered (or the loop would ask again).
 */
export type LoadableLineageCatalog = LineageCatalog & { record(entries: LineageCatalogEntries, missing: MissingCatalogEntries): void };

/** What has been loaded so far (the gateway keeps one per catalog epoch). */
export class LineageCatalogSnapshot implements LoadableLineageCatalog {
  private readonly relationsByName = new Map<string, LineageRelation[]>();
  private readonly functionsByName = new Map<string, "builtin" | "user">();
  private readonly readOnlyFunctions = new Set<string>();
  private readonly operatorsByName = new Map<string, "builtin" | "user">();

  constructor(entries?: LineageCatalogEntries) {
    if (entries) this.add(entries);
  }

  relations(schema: string | null, name: string): LineageRelation[] | undefined {
    return this.relationsByName.get(key(schema, name));
  }

  functionKind(schema: string | null, name: string): "builtin" | "user" | undefined {
    return this.functionsByName.get(key(schema, name));
  }

  functionMayWrite(schema: string | null, name: string): boolean | undefined {
    const k = key(schema, name);
    return this.functionsByName.has(k) ? !this.readOnlyFunctions.has(k) : undefined;
  }

  operatorKind(name: string): "builtin" | "user" | undefined {
    return this.operatorsByName.get(name);
  }

  add(entries: LineageCatalogEntries): void {
    for (const r of entries.relations) this.relationsByName.set(key(r.schema, r.name), r.relations);
    for (const f of entries.functions) {
      this.functionsByName.set(key(f.schema, f.name), f.kind);
      if (f.mayWrite === false) this.readOnlyFunctions.add(key(f.schema, f.name));
      else this.readOnlyFunctions.delete(key(f.schema, f.name));
    }
    for (const o of entries.operators ?? []) this.operatorsByName.set(o.name, o.kind);
  }

  /** Loaded entries, and every name the loader left out answered: a relation as none, a function or operator as opaque. */
  record(entries: LineageCatalogEntries, missing: MissingCatalogEntries): void {
    this.add(entries);
    for (const r of missing.relations) if (!this.relations(r.schema, r.name)) this.add({ relations: [{ ...r, relations: [] }], functions: [] });
    for (const f of missing.functions) if (!this.functionKind(f.schema, f.name)) this.add({ relations: [], functions: [{ ...f, kind: "user" }] });
    for (const name of missing.operators ?? []) if (!this.operatorKind(name)) this.add({ relations: [], functions: [], operators: [{ name, kind: "user" }] });
  }
}

/**
 * Relations and functions by name, as the analyzer asked for them. Every name asked for gets an
 * answer: a relation not found is `[]` (the analyzer treats it as undetermined), a function found
 * nowhere is "user" (opaque). Unqualified relation names match in every schema but other sessions'
 * temporary ones; `pg_temp` means this session's temporary schema.
 */
export async function loadLineageCatalogEntries(target: TargetCatalogQueries, missing: MissingCatalogEntries): Promise<LineageCatalogEntries> {
  const [relations, functions, operators] = await Promise.all([
    loadRelationsByName(target, missing.relations),
    loadFunctionsByName(target, missing.functions),
    loadOperatorsByName(target, missing.operators ?? []),
  ]);
  return { relations, functions, operators };
}

type LoadedRelation = LineageRelation & { isOwnTemp: boolean; isOtherTemp: boolean };

async function loadRelationsByName(target: TargetCatalogQueries, wanted: MissingCatalogEntries["relations"]): Promise<LineageCatalogEntries["relations"]> {
  if (wanted.length === 0) return [];
  const names = [...new Set(wanted.map((w) => w.name))];
  const rows = await target.query(
    `
        select c.oid::int8, n.nspname, c.relname, c.relkind, a.attnum, a.attname, a.atttypid::int8,
               rn.nspname, r.relname,
               case when c.relkind in ('v', 'm') then pg_catalog.pg_get_viewdef(c.oid) end,
               n.oid = pg_catalog.pg_my_temp_schema(),
               n.nspname ~ '^pg_temp_' and n.oid <> pg_catalog.pg_my_temp_schema(),
               case when a.attgenerated <> '' then (
                 select pg_catalog.array_agg(d.refobjsubid order by d.refobjsubid)
                 from pg_catalog.pg_attrdef ad
                 join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass and d.objid = ad.oid
                 where ad.adrelid = c.oid and ad.adnum = a.attnum and d.refobjid = c.oid and d.refobjsubid > 0
               )::pg_catalog.text end
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_catalog.pg_class r on c.relispartition and r.oid = pg_catalog.pg_partition_root(c.oid)
        left join pg_catalog.pg_namespace rn on rn.oid = r.relnamespace
        where c.relname = any($1::pg_catalog.text[]) and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        order by c.oid, a.attnum`,
    [textArray(names)],
  );
  const byOid = new Map<number, LoadedRelation>();
  const generatedFrom = new Map<LoadedRelation["columns"][number], number[]>();
  for (const [oid, schema, name, kind, attnum, attname, typeOid, rootSchema, rootName, viewDefinition, isOwnTemp, isOtherTemp, generatedFromAttnums] of rows) {
    const id = Number(oid);
    let r = byOid.get(id);
    if (!r) {
      r = { oid: id, schema: schema!, name: name!, kind: kind!, columns: [], viewDefinition: viewDefinition ?? null, isOwnTemp: isOwnTemp === "t", isOtherTemp: isOtherTemp === "t" };
      byOid.set(id, r);
    }
    if (attnum === null || attname === null) continue;
    const self = { schema: schema!, table: name!, column: attname };
    // A partition's rows are its root's rows too: rules written on the root cover it.
    const lineage: ColumnLineage = rootName && rootSchema ? { kind: "direct", sources: [self, { schema: rootSchema, table: rootName, column: attname }] } : { kind: "direct", sources: [self] };
    const column = { name: attname, attnum: Number(attnum), typeOid: Number(typeOid), lineage };
    r.columns.push(column);
    if (generatedFromAttnums !== null) generatedFrom.set(column, parseIntArray(generatedFromAttnums));
  }
  // A generated column is computed from the columns its expression reads: derived from them too.
  for (const r of byOid.values())
    for (const column of r.columns) {
      const from = generatedFrom.get(column);
      if (!from) continue;
      const read = r.columns.filter((c) => from.includes(c.attnum) && c !== column);
      column.lineage = { kind: "derived", sources: unionSources([column.lineage.sources, ...read.map((c) => c.lineage.sources)]) };
    }
  const loaded = [...byOid.values()];
  return wanted.map(({ schema, name }) => {
    const matches = loaded.filter((r) => {
      if (r.name !== name) return false;
      if (schema === null) return !r.isOtherTemp;
      if (schema === "pg_temp") return r.isOwnTemp;
      return r.schema === schema;
    });
    return { schema, name, relations: matches.map(({ isOwnTemp: _own, isOtherTemp: _other, ...r }) => r) };
  });
}

async function loadFunctionsByName(target: TargetCatalogQueries, wanted: MissingCatalogEntries["functions"]): Promise<LineageCatalogEntries["functions"]> {
  if (wanted.length === 0) return [];
  const names = [...new Set(wanted.map((w) => w.name))];
  const rows = await target.query(
    `
        select p.proname, n.nspname, pg_catalog.bool_or(p.provolatile = 'v')::pg_catalog.text
        from pg_catalog.pg_proc p
        join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where p.proname = any($1::pg_catalog.text[])
        group by 1, 2`,
    [textArray(names)],
  );
  // Per name, its schemas and whether some definition there is VOLATILE.
  const schemasOf = new Map<string, Map<string, boolean>>();
  for (const [name, schema, volatile] of rows) {
    if (!schemasOf.has(name!)) schemasOf.set(name!, new Map());
    schemasOf.get(name!)!.set(schema!, volatile === "true");
  }
  return wanted.map(({ schema, name }) => {
    const schemas = schemasOf.get(name) ?? new Map<string, boolean>();
    // Builtin only when the system schemas are the one place it can resolve to: a same-named
    // function elsewhere may be the one the session's search_path picks. (information_schema's
    // helper functions are the system's own, used by its views.)
    const system = [...schemas.keys()].every((s) => SYSTEM_SCHEMAS.includes(s));
    const builtin = schema !== null ? SYSTEM_SCHEMAS.includes(schema) && schemas.has(schema) : schemas.size > 0 && system;
    // It may write unless every definition it may resolve to is STABLE or IMMUTABLE (one found nowhere may be created later).
    const candidates = schema !== null ? (schemas.has(schema) ? [schemas.get(schema)!] : []) : [...schemas.values()];
    const mayWrite = candidates.length === 0 || candidates.some((v) => v);
    return { schema, name, kind: builtin ? "builtin" : "user", mayWrite };
  });
}

const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema"];

function parseIntArray(text: string): number[] {
  return text.replace(/[{}]/g, "").split(",").filter(Boolean).map(Number);
}

/** Operators by name: "user" when any schema but pg_catalog defines one of that name (it may be the one picked for its types). */
async function loadOperatorsByName(target: TargetCatalogQueries, wanted: readonly string[]): Promise<NonNullable<LineageCatalogEntries["operators"]>> {
  if (wanted.length === 0) return [];
  const rows = await target.query(
    `
        select distinct o.oprname
        from pg_catalog.pg_operator o
        join pg_catalog.pg_namespace n on n.oid = o.oprnamespace
        where o.oprname = any($1::pg_catalog.text[]) and n.nspname <> 'pg_catalog'`,
    [textArray([...new Set(wanted)])],
  );
  const user = new Set(rows.map(([name]) => name));
  return [...new Set(wanted)].map((name) => ({ name, kind: user.has(name) ? "user" : "builtin" }));
}

/** A text[] literal for a bound parameter: every element quoted, so no name is ever spliced into SQL. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

/**
 * Runs the analysis, loads what it is missing into the catalog, and runs it again, up to
 * `maxRounds` loads (views over views need one per level); after that the statement is undetermined.
 * Given a target instead (the console's preview), it starts from an empty snapshot and loads from it.
 * The gateway passes its own catalog (proxy/lineage/resolution-catalog.ts: a shared snapshot plus
 * the session's temporary tables).
 */
export async function resolveLineage(sql: string, target: TargetCatalogQueries): Promise<StatementLineage>;
export async function resolveLineage(
  sql: string,
  catalog: LoadableLineageCatalog,
  load: (missing: MissingCatalogEntries) => Promise<LineageCatalogEntries>,
  maxRounds?: number,
): Promise<StatementLineage>;
export async function resolveLineage(
  sql: string,
  catalogOrTarget: LoadableLineageCatalog | TargetCatalogQueries,
  loadOrNothing?: (missing: MissingCatalogEntries) => Promise<LineageCatalogEntries>,
  maxRounds = 8,
): Promise<StatementLineage> {
  const catalog = loadOrNothing ? (catalogOrTarget as LoadableLineageCatalog) : new LineageCatalogSnapshot();
  const load = loadOrNothing ?? ((missing: MissingCatalogEntries) => loadLineageCatalogEntries(catalogOrTarget as TargetCatalogQueries, missing));
  await loadClassifier();
  for (let round = 0; ; round++) {
    const { lineage, missing } = analyzeLineage(sql, catalog);
    if (!missing) return lineage;
    if (round >= maxRounds) return unfollowed(`the catalog entries it names were not loaded after ${maxRounds} rounds`);
    catalog.record(await load(missing), missing);
  }
}
