import { describeClientMatrix } from "./describe-client-matrix";
import { CASES_EVERY_DRIVER_RUNS } from "./driver-cases";
import { runPythonCases } from "./run-program-cases";

/** psycopg2 has no binary parameters, protocol-level prepare or pipeline, and refuses the empty query itself. */
const CASES = [
  ...CASES_EVERY_DRIVER_RUNS,
  "params_text",
  "large_objects",
];

describeClientMatrix("psycopg2", CASES, runPythonCases("psycopg2_cases.py"));
