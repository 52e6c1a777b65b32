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
  isPgbouncerSkipped: boolean;
};

const USAGE = `npm run bench -- [--duration SECONDS] [--scale N] [--large-rows N] [--large-repeats N] [--no-pgbouncer]

  --duration       seconds per pgbench run (default 10)
  --scale          pgbench scale factor (default 10)
  --large-rows     rows in the large-result read (default 1000000)
  --large-repeats  reads of the large result per target, best reported (default 2)
  --no-pgbouncer   skip the pgbouncer column`;

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
      duration: { type: "string" },
      scale: { type: "string" },
      "large-rows": { type: "string" },
      "large-repeats": { type: "string" },
      "no-pgbouncer": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return {
    durationSeconds: positiveInt("duration", values.duration, 10),
    scale: positiveInt("scale", values.scale, 10),
    largeRows: positiveInt("large-rows", values["large-rows"], 1_000_000),
    largeRepeats: positiveInt("large-repeats", values["large-repeats"], 2),
    isPgbouncerSkipped: values["no-pgbouncer"] ?? false,
  };
}
