import { describeClientMatrix } from "./describe-client-matrix";
import { runPythonCases } from "./run-program-cases";

/** psycopg 3 has no large-object API: applications call the lo_* functions in SQL. */
const CASES = [
  "connect_plain",
  "connect_tls",
  "multi_statement",
  "empty_query",
  "params_text",
  "params_binary",
  "named_statement_reuse",
  "pipeline",
  "savepoints",
  "error_recovery",
  "syntax_error_position",
  "copy_in_out",
  "copy_extended",
  "listen_notify",
  "cancel_sleep",
  "rows_200k",
  "cursor",
  "large_objects_sql",
  "startup_options",
];

describeClientMatrix("psycopg3", CASES, runPythonCases("psycopg3_cases.py"));
