import { describeClientMatrix } from "./describe-client-matrix";
import { NODE_POSTGRES_CASES } from "./node-postgres-cases";
import { runNodeCases } from "./run-node-cases";

describeClientMatrix("node-postgres", Object.keys(NODE_POSTGRES_CASES), (target) => runNodeCases(NODE_POSTGRES_CASES, target));
