import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { defaultPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { gatewayBuildOptions } from "@/scripts/launcher/build-gateway";
import { stopChild } from "@/scripts/launcher/stop-child";
import type { GatewayListening } from "@/proxy/main";
import type { Endpoint } from "./endpoints";
import { startBenchEnvironment } from "./environment";
import { benchGatewayEnvironment } from "./targets";
import { createLargeTable, LARGE_QUERY } from "./large-table";
import { everyDetectorPolicy, maskedLargeTablePolicy, unmaskedPolicy } from "./masking-policy";
import { readLargeResultRaw } from "./raw-read";
import { waitForRecordingToSettle } from "./wait-for-recording";

/**
 * The large-result reads alone, at the wire, for working on masking speed without the whole bench
 * (9 minutes): direct, then one strict gateway worker with each policy, in the same run, so the
 * ratios to direct compare like with like. Optionally the worker is profiled (node --cpu-prof).
 *
 *   npx tsx --conditions=react-server bench/large-result-only.ts [--rows N] [--repeats N]
 *       [--only unmasked,masked,default,every] [--distinct-cards] [--cpu-prof DIR]
 *
 * The gateway is compiled into dist/large-result-only/ (not dist/, which npm start and the bench use).
 */
const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    repeats: { type: "string", default: "2" },
    only: { type: "string", default: "unmasked,masked,default,every" },
    "distinct-cards": { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
  },
});
const log = (line: string) => console.log(`[large-only] ${line}`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rows = Number(values.rows);
const repeats = Number(values.repeats);

const POLICIES: Record<string, { label: string; policy: () => PolicyDocument }> = {
  unmasked: { label: "gateway, no masking", policy: unmaskedPolicy },
  masked: { label: "gateway + 3 masked columns", policy: maskedLargeTablePolicy },
  default: { label: "gateway, default policy (6 detectors)", policy: defaultPolicy },
  every: { label: "gateway, every detector on", policy: everyDetectorPolicy },
};
const chosen = values.only.split(",").map((s) => s.trim());
for (const c of chosen) if (!POLICIES[c]) throw new Error(`--only: unknown "${c}" (${Object.keys(POLICIES).join(", ")})`);

const bundle = await buildPrivateGateway();
const env = await startBenchEnvironment(log);
let gateway: { port: number; pid: number; stop(): Promise<void> } | null = null;
try {
  const logins = new Map<string, Awaited<ReturnType<typeof env.addGatewayConnection>>>();
  for (const c of chosen) logins.set(c, await env.addGatewayConnection(`bench_${c}`, POLICIES[c]!.policy()));
  log(`creating ${rows.toLocaleString("en-US")} rows${values["distinct-cards"] ? " (every card number different)" : ""}`);
  await createLargeTable(env.direct, rows, { isEveryCardDistinct: values["distinct-cards"] });
  gateway = await startGateway(bundle, env, values["cpu-prof"]);
  // The profile's line numbers are the bundle's: keep the bundle beside it.
  if (values["cpu-prof"]) fs.copyFileSync(bundle, path.join(values["cpu-prof"], "gateway.mjs"));
  log(`gateway pid ${gateway.pid} on port ${gateway.port}${values["cpu-prof"] ? ` (profiling into ${values["cpu-prof"]})` : ""}`);

  const best = async (endpoint: Endpoint, pid: number | null) => {
    let top = 0;
    for (let i = 0; i < repeats; i++) top = Math.max(top, (await readLargeResultRaw(endpoint, LARGE_QUERY, pid)).mbPerSecond);
    return top;
  };
  // Warm-up read of the reader itself, as the bench does.
  await readLargeResultRaw(env.direct, LARGE_QUERY, null);
  const direct = await best(env.direct, null);
  log(`direct: ${direct.toFixed(1)} MB/s`);
  for (const c of chosen) {
    const endpoint = { host: "127.0.0.1", port: gateway.port, ...logins.get(c)! };
    const rate = await best(endpoint, gateway.pid);
    log(`${POLICIES[c]!.label}: ${rate.toFixed(1)} MB/s = ${(rate / direct).toFixed(2)}× direct`);
    await waitForRecordingToSettle(env.store);
  }
} finally {
  await gateway?.stop();
  await env.stop();
}

/** Compiles the gateway as scripts/launcher/build-gateway.ts does, into a directory of this script's own. */
async function buildPrivateGateway(): Promise<string> {
  const outfile = path.join(root, "dist/large-result-only/gateway.mjs");
  await build(gatewayBuildOptions(root, outfile));
  return outfile;
}

async function startGateway(bundle: string, env: Awaited<ReturnType<typeof startBenchEnvironment>>, profileDir: string | undefined) {
  const settings = await benchGatewayEnvironment(env, "strict");
  const execArgv = ["--enable-source-maps", ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [])];
  const child = fork(bundle, [], { cwd: root, env: settings, execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const listening = await new Promise<GatewayListening>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the gateway exited with ${code} before listening`)));
    child.on("message", (m: GatewayListening) => m?.type === "gateway-listening" && resolve(m));
  });
  return { port: listening.port, pid: listening.workerPids[0] ?? child.pid!, stop: () => stopChild(child, 20_000) };
}
