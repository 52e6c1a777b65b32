import { parseArgs } from "node:util";
import v8 from "node:v8";
import { ConfigError } from "@/lib/shared/config";
import { runGateway } from "@/proxy/main";

/**
 * The gateway's entry point, compiled into dist/gateway.mjs (scripts/launcher/build-gateway.ts) and
 * run by plain node: `npm run gateway`, `npm start`, the container. Configured by the environment
 * (see proxy/main.ts); `--self-signed-tls` is how `npm start` asks for its embedded default's certificate.
 */
async function main() {
  // libpg-query's WASM parser stays on V8's baseline compiler (Liftoff): optimising its large
  // functions with TurboFan left ~100 MiB of compiler memory resident in every worker (glibc keeps
  // the background threads' arenas) for a parse about 10% faster. Set before the classifier loads.
  v8.setFlagsFromString("--liftoff-only");
  const { values } = parseArgs({ options: { "self-signed-tls": { type: "boolean" } } });
  await runGateway(process.env, { selfSignedTls: values["self-signed-tls"] });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `[gateway] Start-up failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
