import { fileURLToPath } from "node:url";
import { describeClientMatrix } from "./describe-client-matrix";
import { CASES_EVERY_DRIVER_RUNS } from "./driver-cases";
import { runProgramCases } from "./run-program-cases";

/** Debian's libpostgresql-jdbc-java puts the driver here. */
const PGJDBC_JAR = "/usr/share/java/postgresql.jar";

const CASES = [
  ...CASES_EVERY_DRIVER_RUNS,
  "empty_query",
  "params_text",
  "params_binary",
  "pipeline",
  "large_objects",
  "jdbc_metadata",
];

// The JDK's source launcher compiles and runs Cases.java in one JVM per side; C1 alone and the serial
// collector start faster on a small machine.
describeClientMatrix(
  "pgjdbc",
  CASES,
  runProgramCases("java", ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", PGJDBC_JAR, fileURLToPath(new URL("./java/Cases.java", import.meta.url))]),
);
