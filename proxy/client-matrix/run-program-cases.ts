import { runTool } from "../testing/run-tool";
import { readCaseLines } from "./case-outcome";
import type { RunCases } from "./describe-client-matrix";

/** Debian's Python, which has python3-psycopg2, python3-psycopg and python3-asyncpg (a pyenv python3 on PATH may not). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/**
 * Runs a client program once per side: it gets the target as a JSON argument after `args` and
 * prints one JSON line per case. One process per side keeps each client's run to seconds.
 */
export function runProgramCases(command: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): RunCases {
  return async (target) => {
    const run = await runTool(command, [...args, JSON.stringify(target)], { env: opts.env, timeoutMs: opts.timeoutMs ?? 240_000 });
    return readCaseLines(run.stdout, run.stderr, run.code);
  };
}

/** A Python case script from proxy/client-matrix/python, without writing __pycache__ into the tree. */
export function runPythonCases(script: string): RunCases {
  return runProgramCases(SYSTEM_PYTHON, [new URL(`./python/${script}`, import.meta.url).pathname], { env: { PYTHONDONTWRITEBYTECODE: "1" } });
}
