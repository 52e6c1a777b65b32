import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { createToken } from "@/lib/server/tokens/create-token";
import { ensureGatewayBuild } from "@/scripts/launcher/build-gateway";
import { gatewayEnvironment } from "@/scripts/launcher/gateway-environment";
import { startGatewayProcess } from "@/scripts/launcher/start-gateway-process";
import { startBenchEnvironment } from "./environment";
import { unmaskedPolicy } from "./masking-policy";
import { measureMcpQueryLatency } from "./mcp-query-latency";

/**
 * `npx tsx --conditions=react-server bench/run-mcp-query.ts [ITERATIONS]`: issue 11's speed goal on
 * its own (a `query` tool call adds under 20 ms over psql on a small table). The compiled gateway with
 * its self-signed certificate (as `npm start` runs it, strict recording) in front of a fresh embedded
 * PostgreSQL; an agent token; `warden mcp` as an agent spawns it. Prints the figures as JSON.
 */
const log = (line: string) => console.log(`[bench:mcp] ${line}`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const iterations = Number(process.argv[2] ?? 200);
const SMALL_TABLE = "mcp_small";
const GOAL_MS = 20;

await ensureGatewayBuild(root, log);
const env = await startBenchEnvironment(log);
let stopGateway: (() => Promise<void>) | undefined;
try {
  const login = await env.addGatewayConnection("mcp_bench", unmaskedPolicy());
  const { token } = await createToken(env.store, env.secretKey, "bench", { userName: login.user, connectionName: login.database, actorKind: "agent", agentName: "bench-agent", groups: ["developer"], ttlMs: 60 * 60 * 1000 });
  const direct = new pg.Client(env.direct);
  await direct.connect();
  await direct.query(`create table ${SMALL_TABLE} (id int primary key, name text not null, placed_at timestamptz not null default now()); insert into ${SMALL_TABLE} (id, name) select i, 'item ' || i from generate_series(1, 10) i; analyze ${SMALL_TABLE}`);
  await direct.end();

  const gw = await startGatewayProcess({
    root,
    env: gatewayEnvironment({
      DATABASE_URL: env.storeUrl,
      WARDEN_SECRET_KEY: env.secretKey,
      GATEWAY_PORT: await findFreePort(),
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_TLS_CERT: undefined,
      GATEWAY_TLS_KEY: undefined,
      GATEWAY_RECORDING_MODE: "strict",
      GATEWAY_WORKERS: 1,
      WARDEN_DATA_DIR: env.tmpDir,
      LOG_LEVEL: "warn",
    }),
    args: ["--self-signed-tls"],
    output: "inherit",
  });
  stopGateway = () => gw.stop();
  if (!gw.tlsCertPath) throw new Error("the gateway started without TLS");
  log(`gateway (compiled, strict recording, self-signed TLS) pid ${gw.pid} on port ${gw.port}; ${iterations} timed statements each`);

  const result = await measureMcpQueryLatency({
    root,
    gateway: { host: "localhost", port: gw.port, tlsCertPath: gw.tlsCertPath },
    user: login.user,
    token,
    database: login.database,
    storeEnv: { DATABASE_URL: env.storeUrl, WARDEN_SECRET_KEY: env.secretKey.toString("hex") },
    sql: `select id, name, placed_at from ${SMALL_TABLE} order by id`,
    iterations,
  });
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  log(`psql through the gateway:       median ${ms(result.psql.medianMs)}, p95 ${ms(result.psql.p95Ms)}`);
  log(`query tool through warden mcp:  median ${ms(result.mcpQuery.medianMs)}, p95 ${ms(result.mcpQuery.p95Ms)}`);
  log(`added by MCP: median ${ms(result.addedMedianMs)}, p95 ${ms(result.addedP95Ms)} (goal: under ${GOAL_MS} ms: ${result.addedMedianMs < GOAL_MS ? "met" : "missed"})`);
  console.log(JSON.stringify({ ...result, goalMs: GOAL_MS, isMet: result.addedMedianMs < GOAL_MS }, null, 2));
} finally {
  await stopGateway?.();
  await env.stop();
}
