import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import pg from "pg";
import { gatewayBuildOptions } from "@/scripts/launcher/build-gateway";
import { stopChild } from "@/scripts/launcher/stop-child";
import type { GatewayListening } from "@/proxy/main";
import type { Endpoint } from "./endpoints";
import { startBenchEnvironment } from "./environment";
import { benchGatewayEnvironment } from "./targets";
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
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const count = Number(values.statements);
const clients = Number(values.clients);

const outfile = path.join(root, "dist/strict-latency-only/gateway.mjs");
await build(gatewayBuildOptions(root, outfile));
const env = await startBenchEnvironment(log);
try {
  const login = await env.addGatewayConnection("bench_latency", unmaskedPolicy());
  const direct = await meanLatency(env.direct);
  log(`direct: ${direct.toFixed(3)} ms per statement`);
  for (const mode of values.modes.split(",") as ("strict" | "async")[]) {
    const settings = await benchGatewayEnvironment(env, mode);
    const profileDir = values["cpu-prof"];
    const execArgv = ["--enable-source-maps", ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [])];
    const child = fork(outfile, [], { cwd: root, env: settings, execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const listening = await new Promise<GatewayListening>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`the gateway exited with ${code} before listening`)));
      child.on("message", (m: GatewayListening) => m?.type === "gateway-listening" && resolve(m));
    });
    try {
      const ms = await meanLatency({ host: "127.0.0.1", port: listening.port, ...login });
      log(`gateway ${mode}: ${ms.toFixed(3)} ms per statement (${(direct / ms).toFixed(2)}× direct's rate)`);
    } finally {
      await stopChild(child, 20_000);
    }
    if (profileDir) fs.copyFileSync(outfile, path.join(profileDir, "gateway.mjs"));
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
