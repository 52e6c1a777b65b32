import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildGateway, ensureGatewayBuild, GATEWAY_BUILD, GATEWAY_BUNDLE } from "./launcher/build-gateway";
import { checkBuild } from "./launcher/build-stamp";

/**
 * `npm run build` (after the console) and `npm run gateway` (with --if-changed): compiles the
 * gateway into dist/gateway.mjs, which `node dist/gateway.mjs` runs.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => console.log(`[warden] ${line}`);
const { values } = parseArgs({ options: { "if-changed": { type: "boolean" } } });

if (values["if-changed"]) {
  await ensureGatewayBuild(root, log);
} else {
  const stamp = checkBuild(root, GATEWAY_BUILD);
  await buildGateway(root);
  stamp.markBuilt();
  log(`Built the gateway: ${GATEWAY_BUNDLE}`);
}
