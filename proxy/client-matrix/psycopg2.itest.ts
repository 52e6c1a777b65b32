import { describeClientMatrix } from "./describe-client-matrix";
import { runPythonCases } from "./run-program-cases";

/** psycopg2 has no binary parameters, protocol-level prepare or pipeline, and refuses the empty query itself. */
const CASES = [
  "connect_plain",
  "connect_tls",
  "multi_statement",
  "params_text",
  "named_statement_reuse",
  "savepoints",
  "error_recovery",
  "syntax_error_position",
  "copy_in_out",
  "listen_notify",
  "cancel_sleep",
  "rows_200k",
  "cursor",
  "large_objects",
  "startup_options",
];

describeClientMatrix("psycopg2", CASES, runPythonCases("psycopg2_cases.py"));
