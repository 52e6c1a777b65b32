import { spawnSync } from "node:child_process";

/**
 * `npm test`: unit tests, integration tests against a real PostgreSQL, then browser end-to-end tests
 * in Chromium. Every suite runs even if an earlier one failed; the exit code says whether all passed.
 */
const suites: { name: string; command: string[]; env?: Record<string, string> }[] = [
  { name: "unit", command: ["npx", "vitest", "run", "--project", "unit"] },
  { name: "integration", command: ["npx", "vitest", "run", "--project", "integration"] },
  {
    name: "end-to-end",
    command: ["npx", "playwright", "test"],
    // The global setup starts the product in-process and shares the console's server-only services.
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --conditions=react-server`.trim() },
  },
];

const only = process.argv.slice(2);
const results: { name: string; ok: boolean; seconds: number }[] = [];
for (const suite of suites.filter((s) => only.length === 0 || only.includes(s.name))) {
  console.log(`\n=== ${suite.name} tests ===`);
  const started = Date.now();
  const run = spawnSync(suite.command[0], suite.command.slice(1), { stdio: "inherit", env: { ...process.env, ...suite.env } });
  results.push({ name: suite.name, ok: run.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}
console.log("\n=== summary ===");
for (const r of results) console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name} (${r.seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
