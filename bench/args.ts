import { parseArgs } from "node:util";

export type BenchOptions = {
  /** Seconds each pgbench run lasts. */
  durationSeconds: number;
  /** pgbench scale factor (100,000 accounts each). */
  scale: number;
  /** Rows of the large-result table. */
  largeRows: number;
  /** Reads of the large result per target; the best is reported. */
  largeRepeats: number;
  /** INSERTs in the pipeline scenario. */
  pipelineStatements: number;
  /** Timed pipelines per target; the fastest is reported. */
  pipelineRepeats: number;
  /** Timed `query` tool calls (and psql statements) in the MCP scenario. */
  mcpIterations: number;
  isPgbouncerSkipped: boolean;
};

const DEFAULTS: Omit<BenchOptions, "isPgbouncerSkipped"> = { durationSeconds: 10, scale: 10, largeRows: 1_000_000, largeRepeats: 2, pipelineStatements: 2000, pipelineRepeats: 3, mcpIterations: 200 };
/** --quick: every scenario, briefly (a minute or two), to see that the whole bench runs; its figures are rough. */
const QUICK: Omit<BenchOptions, "isPgbouncerSkipped"> = { durationSeconds: 3, scale: 1, largeRows: 100_000, largeRepeats: 1, pipelineStatements: 2000, pipelineRepeats: 1, mcpIterations: 50 };

const USAGE = `npm run bench -- [--quick] [--duration SECONDS] [--scale N] [--large-rows N] [--large-repeats N]
                    [--pipeline-statements N] [--pipeline-repeats N] [--mcp-iterations N] [--no-pgbouncer]

  --quick                every scenario briefly: --duration 3 --scale 1 --large-rows 100000
                         --large-repeats 1 --pipeline-repeats 1 --mcp-iterations 50
                         (options given as well win)
  --duration, --seconds  seconds per pgbench run (default ${DEFAULTS.durationSeconds})
  --scale                pgbench scale factor (default ${DEFAULTS.scale})
  --large-rows           rows in the large-result read (default ${DEFAULTS.largeRows})
  --large-repeats        reads of the large result per target, best reported (default ${DEFAULTS.largeRepeats})
  --pipeline-statements  INSERTs in the pipeline scenario (default ${DEFAULTS.pipelineStatements})
  --pipeline-repeats     timed pipelines per target, best reported (default ${DEFAULTS.pipelineRepeats})
  --mcp-iterations       timed query tool calls over each MCP transport, and psql statements
                         (default ${DEFAULTS.mcpIterations})
  --no-pgbouncer         skip the pgbouncer column`;

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number of at least 1 (got "${text}").\n\n${USAGE}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean" },
      duration: { type: "string" },
      seconds: { type: "string" },
      scale: { type: "string" },
      "large-rows": { type: "string" },
      "large-repeats": { type: "string" },
      "pipeline-statements": { type: "string" },
      "pipeline-repeats": { type: "string" },
      "mcp-iterations": { type: "string" },
      "no-pgbouncer": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const base = values.quick ? QUICK : DEFAULTS;
  return {
    durationSeconds: positiveInt(values.duration !== undefined ? "duration" : "seconds", values.duration ?? values.seconds, base.durationSeconds),
    scale: positiveInt("scale", values.scale, base.scale),
    largeRows: positiveInt("large-rows", values["large-rows"], base.largeRows),
    largeRepeats: positiveInt("large-repeats", values["large-repeats"], base.largeRepeats),
    pipelineStatements: positiveInt("pipeline-statements", values["pipeline-statements"], base.pipelineStatements),
    pipelineRepeats: positiveInt("pipeline-repeats", values["pipeline-repeats"], base.pipelineRepeats),
    mcpIterations: positiveInt("mcp-iterations", values["mcp-iterations"], base.mcpIterations),
    isPgbouncerSkipped: values["no-pgbouncer"] ?? false,
  };
}
