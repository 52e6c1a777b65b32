import { describeClientMatrix } from "./describe-client-matrix";
import { POSTGRES_JS_CASES } from "./postgres-js-cases";
import { runNodeCases } from "./run-node-cases";

describeClientMatrix("postgres.js", Object.keys(POSTGRES_JS_CASES), (target) => runNodeCases(POSTGRES_JS_CASES, target));
