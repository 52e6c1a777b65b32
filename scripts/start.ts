import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, parseConfig } from "@/lib/shared/config";
import { ensureConsoleBuild } from "./launcher/ensure-console-build";
import { launchWarden } from "./launcher/launch-warden";
import { printBanner } from "./launcher/print-banner";

/** `npm start`: the whole product, on the embedded default unless DATABASE_URL / OIDC_ISSUER are set. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const log = (line: string) => console.log(`[warden] ${line}`);

async function main() {
  const config = parseConfig(process.env);
  const isDev = process.argv.includes("--dev");
  if (!isDev) ensureConsoleBuild(root, log);
  const warden = await launchWarden({ root, config, isDev, log });
  printBanner(warden);
  let isStopping = false;
  const shutdown = async (why: string) => {
    if (isStopping) return;
    isStopping = true;
    log(`${why}: stopping…`);
    await warden.stop();
    log("Stopped.");
    process.exit(0);
  };
  // Ctrl-C reaches the console and the gateway too (the terminal signals its whole foreground group),
  // but not the store, which runs in a group of its own: it is stopped last, here, once they have.
  process.on("SIGINT", () => void shutdown("Interrupted"));
  process.on("SIGTERM", () => void shutdown("Terminated"));
  // A closed terminal: the same orderly stop (by default Node would exit at once, leaving the store running).
  process.on("SIGHUP", () => void shutdown("Hung up"));
  const [which, code] = await Promise.race([
    warden.consoleExited.then((c) => ["console", c] as const),
    warden.gatewayExited.then((c) => ["gateway", c] as const),
  ]);
  if (!isStopping) {
    log(`The ${which} exited unexpectedly (code ${code}).`);
    await warden.stop();
    process.exit(code || 1);
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `[warden] Start-up failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
