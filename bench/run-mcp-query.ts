import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureGatewayBuild } from "@/scripts/launcher/build-gateway";
import { startBenchEnvironment } from "./environment";
import { MCP_GOAL_MS, runMcpQueryScenario } from "./mcp-query-scenario";
import { renderMcpQueryTable } from "./report";

/**
 * `npx tsx --conditions=react-server bench/run-mcp-query.ts [ITERATIONS]`: issue 11's speed goal on
 * its own (a `query` tool call adds under 20 ms over psql on a small table), the scenario `npm run
 * bench` runs after the large-result reads, on a fresh embedded PostgreSQL. Prints the table and the
 * figures as JSON.
 */
const log = (line: string) => console.log(`[bench:mcp] ${line}`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const iterations = Number(process.argv[2] ?? 200);

await ensureGatewayBuild(root, log);
const env = await startBenchEnvironment(log);
try {
  const row = await runMcpQueryScenario(env, { root, iterations, log });
  console.log(`\n${renderMcpQueryTable(row)}\n`);
  const met = (added: number | undefined) => (added === undefined ? "not measured" : added < MCP_GOAL_MS ? "met" : "missed");
  if (row.kind === "ok") log(`goal: under ${MCP_GOAL_MS} ms added (medians): stdio ${met(row.addedMedianMs)}, HTTP ${met(row.http?.addedMedianMs)}`);
  console.log(JSON.stringify({ ...row, goalMs: MCP_GOAL_MS }, null, 2));
  if (row.kind !== "ok") process.exitCode = 1;
} finally {
  await env.stop();
}
