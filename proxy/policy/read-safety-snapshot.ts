import { BUILTIN_FUNCTIONS_MAY_WRITE, BUILTIN_FUNCTIONS_NEVER_WRITING, BUILTIN_OPERATORS, BUILTIN_TYPES, FUNCTION_VOLATILITY_SQL } from "@/lib/policy/builtin-catalog";
import type { QualifiedName, ReadSafety } from "@/lib/policy/read-safety";

/**
 * What a target's catalog says about the names a read uses (lib/policy/read-safety.ts lists them):
 * which functions outside pg_catalog are volatile, which operators and types it has (and which
 * types are domains, whose CHECK a cast runs),
 * which relations may run code when read (views, foreign tables, tables with row-level security),
 * and whether anything the server calls implicitly (casts, operators, type I/O, index support) is
 * volatile. One query, one round trip; `judgeReadSafety` then decides synchronously.
 *
 * Names are compared as the catalog spells them, across all schemas, so search_path does not
 * matter: an unqualified name is judged by every object of that name.
 */
export type ReadSafetySnapshot = {
  /** Functions outside pg_catalog by name, and by `schema.name`: "v" when any overload is volatile. */
  functions: Map<string, Volatility>;
  qualifiedFunctions: Map<string, Volatility>;
  /** pg_catalog functions with a volatile overload on this target (its version may differ from the generated list's). */
  catalogVolatile: Set<string>;
  /**
   * Operators outside pg_catalog (extensions', users'), by name and by `schema.name`. Their
   * functions are never volatile, or `hasVolatileImplicitFunction` is set.
   */
  userOperators: Set<string>;
  qualifiedUserOperators: Set<string>;
  /**
   * Types outside pg_catalog by name and by `schema.name`: "unsafe" for domains and composite types
   * (and arrays of them), since a cast to one runs a domain's CHECK, which may call anything.
   */
  userTypes: Map<string, Safety>;
  qualifiedUserTypes: Map<string, Safety>;
  /** Relations safe to read (tables, partitioned tables, materialized views; anything in the system schemas). */
  safeRelations: Set<string>;
  safeRelationNames: Set<string>;
  /** Relations whose reading can run code: views, foreign tables, RLS tables, sequences, ... */
  unsafeRelations: Set<string>;
  unsafeRelationNames: Set<string>;
  /** A cast, operator, type I/O, index support or conversion function outside pg_catalog is volatile: no read is safe. */
  hasVolatileImplicitFunction: boolean;
  /**
   * Tables an INSERT of plain values only adds rows to (lib/policy/plain-insert.ts): plain tables with
   * no trigger (foreign keys' included), rule or row-level security, no column of a domain or
   * composite type, and no column default or constraint that calls a function outside pg_catalog.
   * By `schema.name`; and the names every relation of which is such a table.
   */
  plainInsertTargets: Set<string>;
  plainInsertNames: Set<string>;
};

type Volatility = "v" | "s";
type Safety = "safe" | "unsafe";

const SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema')";

/**
 * One row per fact: (kind, schema, name, value). Text columns only (the catalog connection reads
 * text). An aggregate's provolatile says nothing (CREATE AGGREGATE marks it immutable); its
 * support functions decide. A procedure cannot be called from a SELECT.
 */
export const READ_SAFETY_CATALOG_SQL = `
with recursive fn as (
  select n.nspname::text as schema, p.proname::text as name,
    ${FUNCTION_VOLATILITY_SQL} as v
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
),
inherited(root, child) as (
  select i.inhparent, i.inhrelid from pg_catalog.pg_inherits i
  union
  select d.root, i.inhrelid from inherited d join pg_catalog.pg_inherits i on i.inhparent = d.child
),
rel as (
  select n.nspname::text as schema, c.relname::text as name,
    n.nspname in ${SYSTEM_SCHEMAS}
    or (c.relkind in ('r', 'p', 'm')
      and not c.relrowsecurity
      -- a table access method of an extension runs its own code
      and (c.relam = 0 or c.relam < 16384)
      -- reading a parent reads its children: a foreign partition is read through the parent
      and not exists (
        select 1 from inherited d join pg_catalog.pg_class cc on cc.oid = d.child
        where d.root = c.oid and (cc.relkind not in ('r', 'p', 'm') or (cc.relam <> 0 and cc.relam >= 16384)))) as is_safe
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'm', 'v', 'f', 'S') and n.nspname not like 'pg\\_toast%'
)
select 'function', schema, name, case when bool_or(v = 'v') then 'v' else 's' end
  from fn where schema <> 'pg_catalog' group by schema, name
union all
select 'catalog-volatile', null, name, null from fn where schema = 'pg_catalog' and v = 'v' group by name
union all
select 'operator', n.nspname::text, o.oprname::text, null
  from pg_catalog.pg_operator o join pg_catalog.pg_namespace n on n.oid = o.oprnamespace where n.nspname <> 'pg_catalog'
union all
select 'type', n.nspname::text, t.typname::text,
    case when t.typtype in ('d', 'c') or coalesce(e.typtype in ('d', 'c'), false) then 'unsafe' else 'safe' end
  from pg_catalog.pg_type t join pg_catalog.pg_namespace n on n.oid = t.typnamespace
  left join pg_catalog.pg_type e on e.oid = t.typelem and t.typelem <> 0
  where n.nspname <> 'pg_catalog'
union all
select 'relation', schema, name, case when is_safe then 'safe' else 'unsafe' end from rel
union all
select 'insert-target', n.nspname::text, c.relname::text, null
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and not c.relhastriggers and not c.relhasrules and not c.relrowsecurity
    and (c.relam = 0 or c.relam < 16384) and n.nspname not in ${SYSTEM_SCHEMAS}
    and not exists (
      select 1 from pg_catalog.pg_depend d join pg_catalog.pg_proc f on f.oid = d.refobjid
      where d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass and f.pronamespace <> 'pg_catalog'::pg_catalog.regnamespace
        and ((d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass and d.objid in (select ad.oid from pg_catalog.pg_attrdef ad where ad.adrelid = c.oid))
          or (d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass and d.objid in (select co.oid from pg_catalog.pg_constraint co where co.conrelid = c.oid))))
    and not exists (
      select 1 from pg_catalog.pg_attribute a join pg_catalog.pg_type t on t.oid = a.atttypid
      left join pg_catalog.pg_type e on e.oid = t.typelem and t.typelem <> 0
      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and (t.typtype in ('d', 'c') or coalesce(e.typtype in ('d', 'c'), false)))
union all
select 'implicit-volatile', null, null, 'true' where exists (
  select 1 from pg_catalog.pg_proc f
  where f.provolatile = 'v' and f.pronamespace <> 'pg_catalog'::pg_catalog.regnamespace and (
    exists (select 1 from pg_catalog.pg_operator o where f.oid in (o.oprcode::pg_catalog.oid, o.oprrest::pg_catalog.oid, o.oprjoin::pg_catalog.oid))
    or exists (select 1 from pg_catalog.pg_cast c where c.castfunc = f.oid)
    or exists (select 1 from pg_catalog.pg_amproc a where a.amproc::pg_catalog.oid = f.oid)
    or exists (select 1 from pg_catalog.pg_type t where f.oid in (t.typinput::pg_catalog.oid, t.typoutput::pg_catalog.oid,
      t.typreceive::pg_catalog.oid, t.typsend::pg_catalog.oid, t.typmodin::pg_catalog.oid, t.typmodout::pg_catalog.oid,
      t.typanalyze::pg_catalog.oid, t.typsubscript::pg_catalog.oid))
    or exists (select 1 from pg_catalog.pg_range r where f.oid in (r.rngcanonical::pg_catalog.oid, r.rngsubdiff::pg_catalog.oid))
    or exists (select 1 from pg_catalog.pg_conversion v where v.conproc::pg_catalog.oid = f.oid)))
`;

const qualified = (schema: string, name: string) => `${schema}.${name}`;

/** The snapshot from the rows of READ_SAFETY_CATALOG_SQL. */
export function snapshotFromRows(rows: (string | null)[][]): ReadSafetySnapshot {
  const s: ReadSafetySnapshot = {
    functions: new Map(),
    qualifiedFunctions: new Map(),
    catalogVolatile: new Set(),
    userOperators: new Set(),
    qualifiedUserOperators: new Set(),
    userTypes: new Map(),
    qualifiedUserTypes: new Map(),
    safeRelations: new Set(),
    safeRelationNames: new Set(),
    unsafeRelations: new Set(),
    unsafeRelationNames: new Set(),
    hasVolatileImplicitFunction: false,
    plainInsertTargets: new Set(),
    plainInsertNames: new Set(),
  };
  const relations: [string, string][] = [];
  for (const [kind, schema, name, value] of rows) {
    switch (kind) {
      case "function": {
        const v: Volatility = value === "v" ? "v" : "s";
        s.qualifiedFunctions.set(qualified(schema!, name!), v);
        if (v === "v" || !s.functions.has(name!)) s.functions.set(name!, v);
        break;
      }
      case "catalog-volatile":
        s.catalogVolatile.add(name!);
        break;
      case "operator":
        s.userOperators.add(name!);
        s.qualifiedUserOperators.add(qualified(schema!, name!));
        break;
      case "type": {
        const safety: Safety = value === "safe" ? "safe" : "unsafe";
        s.qualifiedUserTypes.set(qualified(schema!, name!), safety);
        if (safety === "unsafe" || !s.userTypes.has(name!)) s.userTypes.set(name!, safety);
        break;
      }
      case "insert-target":
        s.plainInsertTargets.add(qualified(schema!, name!));
        break;
      case "relation":
        relations.push([schema!, name!]);
        if (value === "safe") {
          s.safeRelations.add(qualified(schema!, name!));
          s.safeRelationNames.add(name!);
        } else {
          s.unsafeRelations.add(qualified(schema!, name!));
          s.unsafeRelationNames.add(name!);
        }
        break;
      case "implicit-volatile":
        s.hasVolatileImplicitFunction = true;
        break;
    }
  }
  // An unqualified name may be any relation of that name (search_path, a temporary table): all must be plain.
  const notPlain = new Set(relations.filter(([schema, name]) => !s.plainInsertTargets.has(qualified(schema, name))).map(([, name]) => name));
  for (const [, name] of relations) if (!notPlain.has(name)) s.plainInsertNames.add(name);
  return s;
}

/** Whether an INSERT of plain values into `target` only adds rows to it, on this target. */
export function isPlainInsertTarget(target: QualifiedName, s: ReadSafetySnapshot): boolean {
  if (s.hasVolatileImplicitFunction) return false;
  return target.schema === null ? s.plainInsertNames.has(target.name) : s.plainInsertTargets.has(qualified(target.schema, target.name));
}

/**
 * Why this read is not safe to start before its record commits on this target, or null when it is.
 * `isUnknownName` says the reason is a name the snapshot does not have (created since it was read):
 * a fresher snapshot may know it.
 */
export type ReadSafetyJudgement = { reason: string; isUnknownName: boolean } | null;

export function judgeReadSafety(read: ReadSafety, s: ReadSafetySnapshot): ReadSafetyJudgement {
  if (!read.isCandidate) return { reason: read.reason ?? "not a plain read", isUnknownName: false };
  if (s.hasVolatileImplicitFunction) return { reason: "a cast, operator or type on this target calls a volatile function", isUnknownName: false };
  for (const f of read.functions) {
    const verdict = judgeFunction(f, s);
    if (verdict) return verdict;
  }
  for (const name of read.attributeNames) {
    // `t.f` may be the call f(t): only a name that is no volatile function is safe.
    if (BUILTIN_FUNCTIONS_MAY_WRITE.has(name) || s.catalogVolatile.has(name) || s.functions.get(name) === "v") {
      return { reason: `${name} may be a call of a volatile function on a row`, isUnknownName: false };
    }
  }
  // With no volatile implicitly-called function on the target, every operator it has runs a
  // never-writing function: an operator is safe when the target (or PostgreSQL) has it at all.
  for (const op of read.operators) {
    const isKnown =
      op.schema === null ? BUILTIN_OPERATORS.has(op.name) || s.userOperators.has(op.name) : op.schema === "pg_catalog" ? BUILTIN_OPERATORS.has(op.name) : s.qualifiedUserOperators.has(qualified(op.schema, op.name));
    if (!isKnown) return { reason: `operator ${display(op)} is not in the target's catalog`, isUnknownName: true };
  }
  for (const t of read.types) {
    const verdict = judgeType(t, s);
    if (verdict) return verdict;
  }
  for (const r of read.relations) {
    const verdict = judgeRelation(r, read.cteNames, s);
    if (verdict) return verdict;
  }
  return null;
}

function judgeFunction(f: QualifiedName, s: ReadSafetySnapshot): ReadSafetyJudgement {
  if (f.schema === "pg_catalog") {
    if (BUILTIN_FUNCTIONS_NEVER_WRITING.has(f.name) && !s.catalogVolatile.has(f.name)) return null;
    return { reason: `${display(f)} is not a built-in function known never to write`, isUnknownName: false };
  }
  if (f.schema !== null) {
    const v = s.qualifiedFunctions.get(qualified(f.schema, f.name));
    if (v === "s") return null;
    return { reason: v ? `${display(f)} is volatile` : `${display(f)} is not in the target's catalog`, isUnknownName: !v };
  }
  // Unqualified: whichever schema search_path finds it in, every function of that name must never write.
  if (BUILTIN_FUNCTIONS_MAY_WRITE.has(f.name) || s.catalogVolatile.has(f.name)) return { reason: `${f.name} is a volatile built-in function`, isUnknownName: false };
  const user = s.functions.get(f.name);
  if (user === "v") return { reason: `${f.name} is a volatile function`, isUnknownName: false };
  if (user === "s" || BUILTIN_FUNCTIONS_NEVER_WRITING.has(f.name)) return null;
  return { reason: `${f.name} is not in the target's catalog`, isUnknownName: true };
}

function judgeType(t: QualifiedName, s: ReadSafetySnapshot): ReadSafetyJudgement {
  const domainReason = { reason: `a cast to ${display(t)} may run a domain's CHECK`, isUnknownName: false };
  if (t.schema === "pg_catalog") return BUILTIN_TYPES.has(t.name) ? null : { reason: `type ${display(t)} is not a built-in one`, isUnknownName: true };
  if (t.schema !== null) {
    const safety = s.qualifiedUserTypes.get(qualified(t.schema, t.name));
    if (safety === "safe") return null;
    return safety ? domainReason : { reason: `type ${display(t)} is not in the target's catalog`, isUnknownName: true };
  }
  const user = s.userTypes.get(t.name);
  if (user === "unsafe") return domainReason;
  if (user === "safe" || BUILTIN_TYPES.has(t.name)) return null;
  return { reason: `type ${t.name} is not in the target's catalog`, isUnknownName: true };
}

function judgeRelation(r: QualifiedName, cteNames: string[], s: ReadSafetySnapshot): ReadSafetyJudgement {
  if (r.schema !== null) {
    const key = qualified(r.schema, r.name);
    if (s.unsafeRelations.has(key)) return { reason: `${key} can run code when read (a view, a foreign table, row-level security...)`, isUnknownName: false };
    if (s.safeRelations.has(key)) return null;
    return { reason: `${key} is not in the target's catalog`, isUnknownName: true };
  }
  // Any relation of that name in any schema may be the one search_path finds.
  if (s.unsafeRelationNames.has(r.name)) return { reason: `a relation named ${r.name} can run code when read (a view, a foreign table, row-level security...)`, isUnknownName: false };
  if (s.safeRelationNames.has(r.name) || cteNames.includes(r.name)) return null;
  return { reason: `${r.name} is not in the target's catalog`, isUnknownName: true };
}

function display(n: QualifiedName): string {
  return n.schema ? `${n.schema}.${n.name}` : n.name;
}
