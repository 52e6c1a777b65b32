import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Endpoint } from "./endpoints";
import { startBenchEnvironment } from "./environment";
import { buildPrivateGateway, startPrivateGateway } from "./private-gateway";
import { unmaskedPolicy } from "./masking-policy";

/**
 * One client's small statements, one after another, direct and through one gateway worker in each
 * recording mode: the mean latency each adds, for working on the statement path without the whole
 * bench. Optionally the worker is profiled (node --cpu-prof).
 *
 *   npx tsx --conditions=react-server bench/strict-latency-only.ts [--statements N] [--clients N] [--modes strict,async] [--cpu-prof DIR]
 *
 * With several clients each runs --statements statements at once; the figure is the time per statement of all of them.
 */
const { values } = parseArgs({
  options: {
    statements: { type: "string", default: "3000" },
    clients: { type: "string", default: "1" },
    modes: { type: "string", default: "strict,async" },
    "cpu-prof": { type: "string" },
  },
});
const log = (line: string) => console.log(`[latency-only] ${line}`);
const count = Number(values.statements);
const clients = Number(values.clients);

const bundle = await buildPrivateGateway("strict-latency-only");
const env = await startBenchEnvironment(log);
try {
  const login = await env.addGatewayConnection("bench_latency", unmaskedPolicy());
  const direct = await meanLatency(env.direct);
  log(`direct: ${direct.toFixed(3)} ms per statement`);
  for (const mode of values.modes.split(",") as ("strict" | "async")[]) {
    const profileDir = values["cpu-prof"];
    const gateway = await startPrivateGateway(bundle, env, mode, profileDir);
    try {
      const ms = await meanLatency({ host: "127.0.0.1", port: gateway.port, ...login });
      log(`gateway ${mode}: ${ms.toFixed(3)} ms per statement (${(direct / ms).toFixed(2)}× direct's rate)`);
    } finally {
      await gateway.stop();
    }
    // The profile's line numbers are the bundle's: keep the bundle beside it.
    if (profileDir) fs.copyFileSync(bundle, path.join(profileDir, "gateway.mjs"));
  }
} finally {
  await env.stop();
}

/** Milliseconds per `select 1` over the simple protocol, all clients together, after a warm-up. */
async function meanLatency(endpoint: Endpoint): Promise<number> {
  const all = await Promise.all(Array.from({ length: clients }, async () => {
    const c = new pg.Client(endpoint);
    await c.connect();
    return c;
  }));
  try {
    await Promise.all(all.map(async (c) => { for (let i = 0; i < 200; i++) await c.query("select 1"); }));
    const start = performance.now();
    await Promise.all(all.map(async (c) => { for (let i = 0; i < count; i++) await c.query("select 1"); }));
    return (performance.now() - start) / (count * clients);
  } finally {
    await Promise.all(all.map((c) => c.end()));
  }
}
