/**
 * Risk flags the classifier sets on a statement, beyond its kind. Guardrails and approval rules match
 * on them; the console shows them to reviewers as the reasons a statement was held or blocked.
 */
export const STATEMENT_FLAGS = [
  "write_without_where",
  "drop",
  "drop_database",
  "truncate",
  "write_in_cte",
  "explain_analyze_write",
  "do_block",
  "call",
  "copy_program",
  "copy_server_file",
  "set_role",
  "set_session_authorization",
  "set_read_write",
  "changes_sql_reading",
  "alter_system",
  "create_extension",
  "dangerous_function",
  "sql_prepare",
  "sql_execute",
  "unparsed",
  "oversized",
] as const;
export type StatementFlag = (typeof STATEMENT_FLAGS)[number];

export const FLAG_LABELS: Record<StatementFlag, string> = {
  write_without_where: "UPDATE/DELETE without WHERE",
  drop: "DROP",
  drop_database: "DROP DATABASE",
  truncate: "TRUNCATE",
  write_in_cte: "Write inside a CTE",
  explain_analyze_write: "EXPLAIN ANALYZE of a write (it runs it)",
  do_block: "DO block",
  call: "CALL of a procedure",
  copy_program: "COPY … PROGRAM",
  copy_server_file: "COPY to or from a server file",
  set_role: "SET ROLE",
  set_session_authorization: "SET SESSION AUTHORIZATION",
  set_read_write: "Turns read-only mode off (default_transaction_read_only, transaction_read_only)",
  changes_sql_reading: "Changes how the server reads SQL (an encoding such as SJIS, standard_conforming_strings off)",
  alter_system: "ALTER SYSTEM",
  create_extension: "CREATE EXTENSION",
  dangerous_function: "Dangerous function (file access, large objects, dblink, backend control)",
  sql_prepare: "SQL-level PREPARE",
  sql_execute: "SQL-level EXECUTE",
  unparsed: "Does not parse",
  oversized: "Too large to parse",
};
