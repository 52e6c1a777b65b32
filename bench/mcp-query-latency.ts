import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { runTool } from "@/proxy/testing/run-tool";

/**
 * Issue 11 item 7: what a `query` tool call adds over the same statement through psql, both through
 * the same gateway over TLS, on a small table, with warm sessions (connection and process start-up
 * left out on both sides). psql's own `\timing` measures each statement from send to last row; the
 * MCP side is the SDK Client's wall time per tools/call to `warden mcp` (JSON-RPC over stdio,
 * argument validation, classification, the gateway round trip, masking and the untrusted-data
 * wrapping). Medians and p95 of each. With `httpUrl`, the same tools/call over Streamable HTTP to
 * the console's endpoint (a bearer token checked against the store at every request) as well.
 */

export type McpLatencyInput = {
  root: string;
  gateway: { host: string; port: number; tlsCertPath: string };
  /** An agent token's user and token, and the connection it is scoped to. */
  user: string;
  token: string;
  database: string;
  /** Where `warden mcp` finds the store (to check the token and read the policy), as an agent's machine next to `npm start` would. */
  storeEnv: Record<string, string>;
  sql: string;
  iterations: number;
  /** The console's /api/mcp (or the same endpoint served by node:http), to time the HTTP transport too. */
  httpUrl?: string;
};

export type LatencyFigures = { medianMs: number; p95Ms: number; samples: number };
/** `mcpQuery` and `added*` are the stdio transport's; `http` is there when `httpUrl` was given. */
export type McpLatencyResult = {
  sql: string;
  psql: LatencyFigures;
  mcpQuery: LatencyFigures;
  addedMedianMs: number;
  addedP95Ms: number;
  http?: { mcpQuery: LatencyFigures; addedMedianMs: number; addedP95Ms: number };
};

export async function measureMcpQueryLatency(input: McpLatencyInput): Promise<McpLatencyResult> {
  const psql = await timePsql(input);
  const mcpQuery = await timeMcpQuery(input, stdioTransport(input));
  const result: McpLatencyResult = { sql: input.sql, psql, mcpQuery, addedMedianMs: mcpQuery.medianMs - psql.medianMs, addedP95Ms: mcpQuery.p95Ms - psql.p95Ms };
  if (input.httpUrl) {
    const transport = new StreamableHTTPClientTransport(new URL(input.httpUrl), { requestInit: { headers: { Authorization: `Bearer ${input.token}` } } });
    const http = await timeMcpQuery(input, transport);
    result.http = { mcpQuery: http, addedMedianMs: http.medianMs - psql.medianMs, addedP95Ms: http.p95Ms - psql.p95Ms };
  }
  return result;
}

async function timePsql(input: McpLatencyInput): Promise<LatencyFigures> {
  const warmup = 20;
  const script = ["\\timing on", ...Array.from({ length: warmup + input.iterations }, () => `${input.sql};`)].join("\n");
  const r = await runTool("psql", ["-X", "-q", "-A", "-t", "-o", "/dev/null", "-v", "ON_ERROR_STOP=1"], {
    env: {
      PGHOST: input.gateway.host,
      PGPORT: String(input.gateway.port),
      PGUSER: input.user,
      PGPASSWORD: input.token,
      PGDATABASE: input.database,
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: input.gateway.tlsCertPath,
      PGAPPNAME: "bench-psql",
    },
    input: script,
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`psql failed (${r.code}): ${r.stderr}`);
  // With -o /dev/null the rows go nowhere; \timing's lines still come out on stdout.
  const times = [...r.stdout.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]));
  if (times.length !== warmup + input.iterations) throw new Error(`psql printed ${times.length} timings, expected ${warmup + input.iterations}: ${r.stdout.slice(0, 500)} ${r.stderr}`);
  return figures(times.slice(warmup));
}

function stdioTransport(input: McpLatencyInput): Transport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [path.join(input.root, "bin/warden.mjs"), "mcp", "--connection", input.database],
    env: {
      ...input.storeEnv,
      WARDEN_TOKEN: input.token,
      WARDEN_GATEWAY: `${input.gateway.host}:${input.gateway.port}`,
      WARDEN_GATEWAY_CA: input.gateway.tlsCertPath,
      LOG_LEVEL: "warn",
      HOME: process.env.HOME ?? "/tmp",
      PATH: process.env.PATH ?? "/usr/bin:/bin",
    },
    stderr: "inherit",
  });
}

async function timeMcpQuery(input: McpLatencyInput, transport: Transport): Promise<LatencyFigures> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(transport);
  try {
    const call = async () => {
      const r = (await client.callTool({ name: "query", arguments: { sql: input.sql } })) as CallToolResult;
      if (r.isError) throw new Error(`query tool failed: ${JSON.stringify(r.content)}`);
    };
    for (let i = 0; i < 20; i++) await call();
    const times: number[] = [];
    for (let i = 0; i < input.iterations; i++) {
      const started = process.hrtime.bigint();
      await call();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return figures(times);
  } finally {
    await client.close();
  }
}

function figures(times: number[]): LatencyFigures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { medianMs: at(0.5), p95Ms: at(0.95), samples: sorted.length };
}
