/**
 * One case's outcome as a client program reports it, one JSON line per case: `ok` is false when the
 * case threw something it did not expect; `detail` is what the client observed, free of anything
 * that differs between two healthy runs (process ids, OIDs, times), so the two sides compare equal.
 * `trace` (the stack of what was thrown) is shown when the case fails, and `ms` (how long it took)
 * in the run's summary; neither is compared.
 */
export type CaseOutcome = { case: string; ok: boolean; detail?: unknown; trace?: string; ms?: number };

/** A client's run of every case against one side; `log` is its stderr and anything else it printed. */
export type SideRun = { outcomes: CaseOutcome[]; log: string };

/** Reads a client program's output: its JSON case lines become outcomes; every other line goes to the log. */
export function readCaseLines(stdout: string, stderr: string, code: number | null): SideRun {
  const outcomes: CaseOutcome[] = [];
  const other: string[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as CaseOutcome;
      if (typeof parsed?.case === "string" && typeof parsed.ok === "boolean") {
        outcomes.push(parsed);
        continue;
      }
    } catch {
      // not a case line
    }
    other.push(line);
  }
  return { outcomes, log: [`exit code ${code}`, ...other, stderr].join("\n") };
}
