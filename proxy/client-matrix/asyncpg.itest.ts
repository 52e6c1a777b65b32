import { describeClientMatrix } from "./describe-client-matrix";
import { runPythonCases } from "./run-program-cases";

/**
 * asyncpg binds in binary only, starts COPY with a simple Query, has no large-object API, and its
 * direct TLS sends no ALPN (PostgreSQL 17+ refuses it), so those cases are not here.
 */
const CASES = [
  "connect_plain",
  "connect_tls",
  "multi_statement",
  "empty_query",
  "params_binary",
  "named_statement_reuse",
  "pipeline",
  "savepoints",
  "error_recovery",
  "syntax_error_position",
  "copy_in_out",
  "listen_notify",
  "cancel_sleep",
  "rows_200k",
  "cursor",
  "large_objects_sql",
  "startup_options",
  "startup_parameters",
];

describeClientMatrix("asyncpg", CASES, runPythonCases("asyncpg_cases.py"));
