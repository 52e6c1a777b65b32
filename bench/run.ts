import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureGatewayBuild } from "@/scripts/launcher/build-gateway";
import { parseBenchArgs } from "./args";
import { GATEWAY_TARGETS, TARGETS, type Endpoint } from "./endpoints";
import { startBenchEnvironment, type GatewayLogin } from "./environment";
import { checkGoals } from "./goals";
import { createPipelineTable } from "./insert-pipeline";
import { createLargeTable } from "./large-table";
import { runMcpQueryScenario } from "./mcp-query-scenario";
import { unmaskedPolicy } from "./masking-policy";
import { findPgbench, initialisePgbench } from "./pgbench";
import { readMemory } from "./process-memory";
import { renderTables, resultStamp, writeReport, type BenchReport, type ProcessMemory } from "./report";
import { runLargeResults } from "./run-large-results";
import { runPgbenchMatrix } from "./run-pgbench-matrix";
import { runPipelines } from "./run-pipeline";
import { LARGE_RESULT_SCENARIOS, PGBENCH_SCENARIOS } from "./scenarios";
import { startTargets } from "./targets";
import { waitForRecordingToSettle } from "./wait-for-recording";

/**
 * `npm run bench`: the gateway (compiled, as production runs it) against direct PostgreSQL, a plain
 * byte relay and pgbouncer, side by side. Not a test: it prints figures, ratios and issue 8's
 * targets met or missed, and writes them to bench/results/<timestamp>.{json,md}.
 */
const log = (line: string) => console.log(`[bench] ${line}`);
const options = parseBenchArgs(process.argv.slice(2));
const startedAt = new Date().toISOString();
const loadAtStart = os.loadavg();
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, "..");
const resultsDir = path.join(benchDir, "results");
fs.mkdirSync(resultsDir, { recursive: true });
/** The gateway workers' own logs (warnings and errors), kept beside the results when not empty. */
const workerLog = (target: string) => path.join(resultsDir, `${resultStamp(startedAt)}.${target}.log`);

const pgbench = findPgbench();
if (!pgbench) {
  console.error("pgbench is not installed (Debian/Ubuntu: sudo apt-get install -y postgresql-client).");
  process.exit(1);
}

await ensureGatewayBuild(root, log);
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

  log(`pgbench -i -s ${options.scale}, a ${options.largeRows.toLocaleString("en-US")}-row table and the pipeline's table, directly on the target`);
  await initialisePgbench(pgbench, env.direct, options.scale);
  await createLargeTable(env.direct, options.largeRows);
  await createPipelineTable(env.direct);

  targets = await startTargets(env, { root, defaultLogin, isPgbouncerSkipped: options.isPgbouncerSkipped, log, logFile: workerLog });
  const running = targets;
  const watched = TARGETS.flatMap((target) => {
    const pid = running.pid(target);
    return pid ? [{ target, pid, idleRss: readMemory(pid)?.rss ?? null }] : [];
  });
  const settle = () => waitForRecordingToSettle(env.store);
  log(`pgbench -S: ${PGBENCH_SCENARIOS.length} scenarios × ${TARGETS.length} targets, ${options.durationSeconds} s each`);
  const pgbenchRows = await runPgbenchMatrix({ pgbench, targets, scenarios: PGBENCH_SCENARIOS, durationSeconds: options.durationSeconds, settle, log });
  log(`pipeline of ${options.pipelineStatements.toLocaleString("en-US")} INSERTs, one client`);
  const pipeline = await runPipelines({ targets, statements: options.pipelineStatements, repeats: options.pipelineRepeats, settle, log });
  log("large result reads");
  const largeRows = await runLargeResults({ targets, scenarios: LARGE_RESULT_SCENARIOS, logins, repeats: options.largeRepeats, log });
  await settle();
  log(`MCP: a query tool call against psql, ${options.mcpIterations} statements each`);
  const mcpQuery = await runMcpQueryScenario(env, { root, iterations: options.mcpIterations, log });
  await settle();
  const processes: ProcessMemory[] = [];
  for (const w of watched) {
    const peaks = [
      ...pgbenchRows.map((r) => r.cells[w.target]),
      pipeline.cells[w.target],
      ...largeRows.filter((l) => l.scenario.target === w.target).map((l) => ({ peakRss: l.peakRss ?? undefined })),
    ].flatMap((c) => ("peakRss" in c && c.peakRss ? [c.peakRss] : []));
    const usage = await running.memoryUsage(w.target);
    const usageAfter = usage && { heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers };
    processes.push({ ...w, peakRss: peaks.length ? Math.max(...peaks) : null, rssAfter: readMemory(w.pid)?.rss ?? null, usageAfter });
  }

  const measured: Omit<BenchReport, "goals"> = {
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
      "load average (1 / 5 / 15 min) at start": loadAtStart.map((l) => l.toFixed(2)).join(" / "),
      "at end": os.loadavg().map((l) => l.toFixed(2)).join(" / "),
    },
    pgbench: pgbenchRows,
    pipeline,
    largeResults: largeRows,
    mcpQuery,
    processes,
    notes: [
      "Everything runs on this one machine: pgbench or the reading client, PostgreSQL (target and store in one server), the relay, pgbouncer and the gateway share its cores.",
      "The gateway runs compiled (node dist/gateway.mjs, built by esbuild; no tsx), one worker process per recording mode. Peak RSS is a process's own (VmHWM, reset before each measurement). The gateway records every statement in the store; strict commits each record before the statement runs.",
      "The byte relay (bench/byte-relay.mjs) pipes each client socket to the target and back with no parsing: the gap between it and direct is what any proxy hop costs, the gap between it and the gateway is what the gateway's work adds.",
      "pgbouncer pools the simple-protocol scenarios in transaction mode and the prepared and pipeline scenarios in session mode (pgbouncer before 1.21 keeps prepared statements only in session pooling).",
      "The gateway columns use a connection whose policy is the default guardrails and approval rules without masking; the masked and default-policy rows of the large-result table use connections of their own.",
      "MCP: psql's \\timing against the MCP SDK Client's time per tools/call, the same statement through a gateway of its own (strict recording, TLS with a self-signed certificate, as npm start runs it); the HTTP endpoint is the code behind /api/mcp served by node:http in the bench's process, so Next's own request handling is not in it.",
      "Large result: MB/s counts protocol bytes received (1 MB = 10^6 bytes). node-postgres decodes every row (a real client's work, often the bottleneck); the wire reader only walks message frames, which shows the proxy's own throughput.",
    ],
  };
  const report: BenchReport = { ...measured, goals: checkGoals(measured) };
  console.log(`\n${renderTables(report)}\n`);
  const written = writeReport(report, resultsDir);
  log(`written: ${path.relative(process.cwd(), written.markdown)} and ${path.relative(process.cwd(), written.json)}`);
} finally {
  await targets?.stop();
  await env.stop();
  for (const target of GATEWAY_TARGETS) {
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
