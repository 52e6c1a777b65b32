import { parseArgs } from "node:util";
import { ConfigError } from "@/lib/shared/config";
import { runGateway } from "@/proxy/main";

/**
 * The gateway's entry point, compiled into dist/gateway.mjs (scripts/launcher/build-gateway.ts) and
 * run by plain node: `npm run gateway`, `npm start`, the container. Configured by the environment
 * (see proxy/main.ts); `--self-signed-tls` is how `npm start` asks for its embedded default's certificate.
 */
async function main() {
  const { values } = parseArgs({ options: { "self-signed-tls": { type: "boolean" } } });
  await runGateway(process.env, { selfSignedTls: values["self-signed-tls"] });
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `[gateway] Start-up failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
