import { describeClientMatrix } from "./describe-client-matrix";
import { PSQL_PGBENCH_CASES } from "./psql-pgbench-cases";
import { runNodeCases } from "./run-node-cases";

describeClientMatrix("psql and pgbench", Object.keys(PSQL_PGBENCH_CASES), (target) => runNodeCases(PSQL_PGBENCH_CASES, target, 60_000));
