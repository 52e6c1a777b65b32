import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { defaultPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import type { Endpoint } from "./endpoints";
import { startBenchEnvironment } from "./environment";
import { buildPrivateGateway, startPrivateGateway, type PrivateGateway } from "./private-gateway";
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

const bundle = await buildPrivateGateway("large-result-only");
const env = await startBenchEnvironment(log);
let gateway: PrivateGateway | null = null;
try {
  const logins = new Map<string, Awaited<ReturnType<typeof env.addGatewayConnection>>>();
  for (const c of chosen) logins.set(c, await env.addGatewayConnection(`bench_${c}`, POLICIES[c]!.policy()));
  log(`creating ${rows.toLocaleString("en-US")} rows${values["distinct-cards"] ? " (every card number different)" : ""}`);
  await createLargeTable(env.direct, rows, { isEveryCardDistinct: values["distinct-cards"] });
  gateway = await startPrivateGateway(bundle, env, "strict", values["cpu-prof"]);
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
