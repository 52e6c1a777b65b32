import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * `npm test`: unit tests, integration tests against a real PostgreSQL, then browser end-to-end tests
 * in Chromium. Every suite runs even if an earlier one failed; the exit code says whether all passed.
 */
type Suite = { name: string; command: string[]; env?: Record<string, string>; vitestReport?: string };

const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-test-"));
const vitest = (project: string): Suite => {
  const report = path.join(reportDir, `${project}.json`);
  return {
    name: project,
    command: ["npx", "vitest", "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    vitestReport: report,
  };
};

const suites: Suite[] = [
  vitest("unit"),
  vitest("integration"),
  {
    name: "end-to-end",
    command: ["npx", "playwright", "test"],
    // The global setup starts the product in-process and shares the console's server-only services.
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --conditions=react-server`.trim() },
  },
];

/**
 * Vitest (3.2) exits 0 when a suite fails in a hook while a project has a global setup, so the
 * verdict comes from its JSON report as well as its exit code.
 */
function vitestReportPassed(file: string): boolean {
  try {
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as { success: boolean; numFailedTestSuites: number; numFailedTests: number; numTotalTests: number };
    return report.success && report.numFailedTestSuites === 0 && report.numFailedTests === 0 && report.numTotalTests > 0;
  } catch {
    return false;
  }
}

const only = process.argv.slice(2);
const results: { name: string; ok: boolean; seconds: number }[] = [];
for (const suite of suites.filter((s) => only.length === 0 || only.includes(s.name))) {
  console.log(`\n=== ${suite.name} tests ===`);
  const started = Date.now();
  const run = spawnSync(suite.command[0], suite.command.slice(1), { stdio: "inherit", env: { ...process.env, ...suite.env } });
  const ok = run.status === 0 && (!suite.vitestReport || vitestReportPassed(suite.vitestReport));
  results.push({ name: suite.name, ok, seconds: Math.round((Date.now() - started) / 1000) });
}
console.log("\n=== summary ===");
for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name} (${r.seconds} s)`);
fs.rmSync(reportDir, { recursive: true, force: true });
process.exit(results.every((r) => r.ok) ? 0 : 1);
