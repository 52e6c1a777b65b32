import { describeClientMatrix } from "./describe-client-matrix";
import { CASES_EVERY_DRIVER_RUNS } from "./driver-cases";
import { runPythonCases } from "./run-program-cases";

/** psycopg 3 has no large-object API: applications call the lo_* functions in SQL. */
const CASES = [
  ...CASES_EVERY_DRIVER_RUNS,
  "empty_query",
  "params_text",
  "params_binary",
  "pipeline",
  "copy_extended",
  "large_objects_sql",
];

describeClientMatrix("psycopg3", CASES, runPythonCases("psycopg3_cases.py"));
