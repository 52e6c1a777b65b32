import pg from "pg";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { createMcpHttpEndpoint } from "@/lib/mcp-http/create-mcp-http-endpoint";
import { resolveGatewayTarget } from "@/lib/mcp-http/gateway-target";
import { serveRoute } from "@/lib/mcp-http/testing/serve-route";
import { createToken } from "@/lib/server/tokens/create-token";
import { gatewayEnvironment } from "@/scripts/launcher/gateway-environment";
import { startGatewayProcess, type GatewayProcess } from "@/scripts/launcher/start-gateway-process";
import type { BenchEnvironment } from "./environment";
import { unmaskedPolicy } from "./masking-policy";
import { measureMcpQueryLatency, type McpLatencyResult } from "./mcp-query-latency";

/** Issue 11 item 7: a `query` tool call on a small table adds under this much over psql (the medians). */
export const MCP_GOAL_MS = 20;

/** The scenario's row in the report: the figures, or why there are none (the rest of the bench still reports). */
export type McpQueryRow = ({ kind: "ok"; iterations: number } & McpLatencyResult) | { kind: "failed"; reason: string };

const SMALL_TABLE = "mcp_small";
const CONSOLE_URL = "http://localhost:3000";

/**
 * The MCP latency scenario on the bench's environment: a 10-row table, an agent token, and a gateway
 * of its own (compiled, strict recording, with the embedded default's self-signed certificate: MCP
 * reaches the gateway only over TLS, which the bench's other gateways leave off). psql and the
 * `query` tool then run the same statement through it: over stdio to `warden mcp`, and over
 * Streamable HTTP to the console's endpoint, the code behind app/api/mcp served by node:http in this
 * process (not `next start`, so Next's own request handling is left out; the client shares this
 * process's event loop with it). Everything it starts is stopped before it returns.
 */
export async function runMcpQueryScenario(env: BenchEnvironment, opts: { root: string; iterations: number; log: (line: string) => void }): Promise<McpQueryRow> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const login = await env.addGatewayConnection("mcp_bench", unmaskedPolicy());
    const { token } = await createToken(env.store, env.secretKey, "bench", { userName: login.user, connectionName: login.database, actorKind: "agent", agentName: "bench-agent", groups: ["developer"], ttlMs: 60 * 60 * 1000 });
    const direct = new pg.Client(env.direct);
    await direct.connect();
    try {
      await direct.query(`create table if not exists ${SMALL_TABLE} (id int primary key, name text not null, placed_at timestamptz not null default now())`);
      await direct.query(`insert into ${SMALL_TABLE} (id, name) select i, 'item ' || i from generate_series(1, 10) i on conflict do nothing; analyze ${SMALL_TABLE}`);
    } finally {
      await direct.end();
    }

    const gatewayPort = await findFreePort();
    const gw: GatewayProcess = await startGatewayProcess({
      root: opts.root,
      env: gatewayEnvironment({
        DATABASE_URL: env.storeUrl,
        WARDEN_SECRET_KEY: env.secretKey,
        GATEWAY_PORT: gatewayPort,
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
    stops.push(() => gw.stop());
    if (!gw.tlsCertPath) throw new Error("the gateway started without TLS");

    // As the console builds it (lib/mcp-http/console-mcp-endpoint.ts), trusting the same certificate.
    const endpoint = createMcpHttpEndpoint({
      db: env.store,
      secretKey: env.secretKey,
      gateway: () => resolveGatewayTarget({ GATEWAY_HOST: "127.0.0.1", GATEWAY_PORT: gw.port, GATEWAY_TLS_CERT: undefined, WARDEN_DATA_DIR: env.tmpDir, PUBLIC_URL: CONSOLE_URL }),
      consoleUrl: CONSOLE_URL,
    });
    stops.push(() => endpoint.close());
    const http = await serveRoute("/api/mcp", { GET: endpoint.handle, POST: endpoint.handle, DELETE: endpoint.handle });
    stops.push(() => http.close());
    opts.log(`MCP: gateway (strict recording, self-signed TLS) pid ${gw.pid} on port ${gw.port}, HTTP endpoint on ${http.url}; ${opts.iterations} timed statements each`);

    const result = await measureMcpQueryLatency({
      root: opts.root,
      gateway: { host: "localhost", port: gw.port, tlsCertPath: gw.tlsCertPath },
      user: login.user,
      token,
      database: login.database,
      storeEnv: { DATABASE_URL: env.storeUrl, WARDEN_SECRET_KEY: env.secretKey.toString("hex") },
      sql: `select id, name, placed_at from ${SMALL_TABLE} order by id`,
      iterations: opts.iterations,
      httpUrl: http.url,
    });
    return { kind: "ok", iterations: opts.iterations, ...result };
  } catch (err) {
    opts.log(`MCP scenario failed: ${(err as Error).message}`);
    return { kind: "failed", reason: (err as Error).message };
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err) => opts.log(`MCP scenario shutdown: ${(err as Error).message}`));
  }
}
