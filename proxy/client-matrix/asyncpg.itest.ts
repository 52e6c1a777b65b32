import { describeClientMatrix } from "./describe-client-matrix";
import { CASES_EVERY_DRIVER_RUNS } from "./driver-cases";
import { runPythonCases } from "./run-program-cases";

/**
 * asyncpg binds in binary only, starts COPY with a simple Query, has no large-object API, and its
 * direct TLS sends no ALPN (PostgreSQL 17+ refuses it), so those cases are not here.
 */
const CASES = [
  ...CASES_EVERY_DRIVER_RUNS,
  "empty_query",
  "params_binary",
  "pipeline",
  "large_objects_sql",
  "startup_parameters",
];

describeClientMatrix("asyncpg", CASES, runPythonCases("asyncpg_cases.py"));
