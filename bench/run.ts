import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { parseBenchArgs } from "./args";
import type { Endpoint } from "./endpoints";
import { startBenchEnvironment, type GatewayLogin } from "./environment";
import { createLargeTable } from "./large-table";
import { unmaskedPolicy } from "./masking-policy";
import { findPgbench, initialisePgbench } from "./pgbench";
import { renderLargeResultTable, renderPgbenchTable, resultStamp, writeReport, type BenchReport } from "./report";
import { runLargeResults } from "./run-large-results";
import { runPgbenchMatrix } from "./run-pgbench-matrix";
import { LARGE_RESULT_SCENARIOS, PGBENCH_SCENARIOS } from "./scenarios";
import { startTargets } from "./targets";
import { waitForRecordingToSettle } from "./wait-for-recording";

/**
 * `npm run bench`: the gateway against direct PostgreSQL and pgbouncer, side by side. Not a test:
 * it prints figures and ratios, and writes them to bench/results/<timestamp>.{json,md}.
 */
const log = (line: string) => console.log(`[bench] ${line}`);
const options = parseBenchArgs(process.argv.slice(2));
const startedAt = new Date().toISOString();
const loadAtStart = os.loadavg()[0]!;
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
fs.mkdirSync(resultsDir, { recursive: true });
/** The gateway workers' own logs (warnings and errors), kept beside the results when not empty. */
const workerLog = (target: string) => path.join(resultsDir, `${resultStamp(startedAt)}.${target}.log`);

const pgbench = findPgbench();
if (!pgbench) {
  console.error("pgbench is not installed (Debian/Ubuntu: sudo apt-get install -y postgresql-client).");
  process.exit(1);
}

const env = await startBenchEnvironment(log);
let targets: Awaited<ReturnType<typeof startTargets>> | undefined;
// Ctrl-C: stop the gateway workers, pgbouncer and PostgreSQL rather than leave them running.
process.once("SIGINT", () => {
  log("interrupted; stopping");
  void Promise.resolve(targets?.stop())
    .then(() => env.stop())
    .finally(() => process.exit(130));
});
try {
  // The gateway's baseline: the default guardrails and approval rules, no masking.
  const defaultLogin = await env.addGatewayConnection("bench", unmaskedPolicy());
  const logins = new Map<string, GatewayLogin>();
  for (const s of LARGE_RESULT_SCENARIOS) {
    if (s.connection && !logins.has(s.connection.name)) logins.set(s.connection.name, await env.addGatewayConnection(s.connection.name, s.connection.policy()));
  }

  log(`pgbench -i -s ${options.scale} and a ${options.largeRows.toLocaleString("en-US")}-row table, directly on the target`);
  await initialisePgbench(pgbench, env.direct, options.scale);
  await createLargeTable(env.direct, options.largeRows);

  targets = await startTargets(env, { defaultLogin, isPgbouncerSkipped: options.isPgbouncerSkipped, log, logFile: workerLog });
  log(`pgbench -S: ${PGBENCH_SCENARIOS.length} scenarios × 4 targets, ${options.durationSeconds} s each`);
  const pgbenchRows = await runPgbenchMatrix({ pgbench, targets, scenarios: PGBENCH_SCENARIOS, durationSeconds: options.durationSeconds, settle: () => waitForRecordingToSettle(env.store), log });
  log("large result reads");
  const largeRows = await runLargeResults({ targets, scenarios: LARGE_RESULT_SCENARIOS, logins, repeats: options.largeRepeats, log });

  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    options,
    machine: {
      cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`,
      node: process.version,
      postgres: await serverVersion(env.direct),
      pgbench: spawnSync(pgbench, ["--version"], { encoding: "utf8" }).stdout.trim(),
      pgbouncer: targets.pgbouncer?.version ?? targets.whySkipped("pgbouncer") ?? "",
      // Anything else busy on the machine skews every column; this shows whether it was.
      "load average (1 min) at start / end": `${loadAtStart.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)}`,
    },
    pgbench: pgbenchRows,
    largeResults: largeRows,
    notes: [
      "Everything runs on this one machine: pgbench or the reading client, PostgreSQL (target and store in one server), pgbouncer and the gateway share its cores.",
      "Gateway workers run as child processes; peak RSS is theirs alone (VmHWM, reset before each measurement). The gateway records every statement in the store; strict commits each record before the statement runs.",
      "The gateway columns use a connection whose policy is the default guardrails and approval rules without masking; the masked and default-policy rows of the large-result table use connections of their own.",
      "Large result: MB/s counts protocol bytes received (1 MB = 10^6 bytes). node-postgres decodes every row (a real client's work, often the bottleneck); the wire reader only walks message frames, which shows the proxy's own throughput.",
    ],
  };
  console.log(`\n${renderPgbenchTable(report.pgbench)}\n\n${renderLargeResultTable(report.largeResults)}\n`);
  const written = writeReport(report, resultsDir);
  log(`written: ${path.relative(process.cwd(), written.markdown)} and ${path.relative(process.cwd(), written.json)}`);
} finally {
  await targets?.stop();
  await env.stop();
  for (const target of ["gateway-strict", "gateway-async"]) {
    const file = workerLog(target);
    if (fs.existsSync(file) && fs.statSync(file).size === 0) fs.rmSync(file);
    else if (fs.existsSync(file)) log(`gateway worker log: ${path.relative(process.cwd(), file)}`);
  }
}

async function serverVersion(endpoint: Endpoint): Promise<string> {
  const c = new pg.Client(endpoint);
  await c.connect();
  try {
    return (await c.query("show server_version")).rows[0].server_version as string;
  } finally {
    await c.end();
  }
}
