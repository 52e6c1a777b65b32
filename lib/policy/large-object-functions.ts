/**
 * The server's large-object functions that change large objects: create, write, truncate, remove.
 * A SELECT that calls one is a write, whether it comes as SQL (`select lo_unlink(16402)`) or
 * through the protocol's FunctionCall, which client libraries' large-object APIs use (libpq's
 * lo_creat / lo_write / lo_unlink, and so psql's \lo_import and \lo_unlink). So a read-only
 * connection refuses them and approval rules on writes hold them. Reading (lo_open, loread, lo_get,
 * lo_lseek, lo_tell, lo_close) stays a read. lo_import and lo_export, which move large objects to
 * and from the server's files, are dangerous functions (dangerous-functions.ts) and blocked by that.
 *
 * Judged by name, whatever the schema: an unqualified call resolves to pg_catalog first, and a
 * same-named function elsewhere errs on the side of a write.
 */
const LARGE_OBJECT_WRITES = new Set(["lo_creat", "lo_create", "lowrite", "lo_unlink", "lo_truncate", "lo_truncate64", "lo_put", "lo_from_bytea"]);

/** `functions`: every function a statement calls, names as the parser gives them. */
export function writesLargeObjects(functions: readonly { name: string }[]): boolean {
  return functions.some((f) => LARGE_OBJECT_WRITES.has(f.name.toLowerCase()));
}
