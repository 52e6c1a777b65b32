/**
 * Functions that reach outside the database's tables: read or write server files, move large
 * objects to and from the server's file system, open connections to other servers, or control other
 * backends and the server itself. A statement calling one gets the `dangerous_function` flag.
 */
const DANGEROUS_FUNCTIONS = new Set([
  // server files
  "pg_read_file",
  "pg_read_binary_file",
  "pg_stat_file",
  "pg_ls_dir",
  "pg_ls_logdir",
  "pg_ls_waldir",
  "pg_ls_tmpdir",
  "pg_ls_archive_statusdir",
  "pg_ls_logicalsnapdir",
  "pg_ls_logicalmapdir",
  "pg_ls_replslotdir",
  "pg_ls_summariesdir",
  // adminpack
  "pg_file_write",
  "pg_file_rename",
  "pg_file_unlink",
  "pg_file_sync",
  "pg_logdir_ls",
  // large objects to and from server files
  "lo_import",
  "lo_export",
  // other backends and the server
  "pg_terminate_backend",
  "pg_cancel_backend",
  "pg_reload_conf",
  "pg_rotate_logfile",
  "pg_promote",
  "pg_switch_wal",
  "pg_create_restore_point",
  "pg_backup_start",
  "pg_backup_stop",
  "pg_start_backup",
  "pg_stop_backup",
  "pg_wal_replay_pause",
  "pg_wal_replay_resume",
  // replication slots: WAL retained without bound can fill the server's disk
  "pg_create_physical_replication_slot",
  "pg_create_logical_replication_slot",
  "pg_drop_replication_slot",
  "pg_copy_physical_replication_slot",
  "pg_copy_logical_replication_slot",
  "pg_replication_slot_advance",
  "pg_logical_slot_get_changes",
  "pg_logical_slot_get_binary_changes",
]);

/** Every dblink function opens a connection from the server to somewhere else. */
const DANGEROUS_PREFIXES = ["dblink"];

/**
 * Functions that run SQL given to them as text. The gateway cannot see inside a computed string, so
 * a call whose query is not a constant counts as dangerous; a constant one is classified as SQL.
 * The value is the index of the argument holding the query.
 */
export const SQL_TEXT_FUNCTIONS: Record<string, number> = {
  query_to_xml: 0,
  query_to_xmlschema: 0,
  query_to_xml_and_xmlschema: 0,
  ts_stat: 0,
  ts_rewrite: 1,
};

/** `name` is the function's own name (no schema), as the parser gives it: unquoted names are lowercased. */
export function isDangerousFunction(name: string): boolean {
  const n = name.toLowerCase();
  return DANGEROUS_FUNCTIONS.has(n) || DANGEROUS_PREFIXES.some((p) => n.startsWith(p));
}

const CALL_IN_TEXT = new RegExp(
  `(?<![A-Za-z0-9_$])(?:${[...DANGEROUS_FUNCTIONS].join("|")}|${DANGEROUS_PREFIXES.map((p) => `${p}[A-Za-z0-9_]*`).join("|")})"?\\s*\\(`,
  "i",
);

/**
 * Whether procedural code (a DO block, a PL/pgSQL function body) that the SQL parser sees only as a
 * string appears to call a dangerous function. A text search: cheap and conservative, and it cannot
 * see names built at run time, which is why DO blocks are flagged on their own too.
 */
export function mentionsDangerousFunction(code: string): boolean {
  return CALL_IN_TEXT.test(code);
}
