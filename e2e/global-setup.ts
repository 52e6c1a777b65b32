import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@/lib/shared/config";
import { ensureConsoleBuild } from "@/scripts/launcher/ensure-console-build";
import { launchWarden } from "@/scripts/launcher/launch-warden";
import { E2E_PORT } from "../playwright.config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const E2E_DATA_DIR = ".warden-test";

/** Starts the whole product from a fresh data dir, as `npm start` would, and stops it after the run. */
export default async function globalSetup() {
  const dataDir = path.join(root, E2E_DATA_DIR);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const logFile = fs.createWriteStream(path.join(root, "test-results-console.log"));
  ensureConsoleBuild(root, (l) => console.log(`[e2e] ${l}`));
  const config = parseConfig({ PORT: String(E2E_PORT), GATEWAY_PORT: String(E2E_PORT + 30), WARDEN_DATA_DIR: E2E_DATA_DIR });
  const warden = await launchWarden({ root, config, log: (l) => logFile.write(`[launcher] ${l}\n`), consoleOutput: (l) => logFile.write(`${l}\n`) });
  // Workers inherit the environment the global setup leaves behind.
  process.env.E2E_DEMO_PASSWORD = warden.demo!.password;
  process.env.E2E_DEMO_DB_URL = warden.embedded!.demoUrl;
  process.env.E2E_GATEWAY_PORT = String(warden.gateway.port);
  if (!warden.gateway.tlsCertPath) throw new Error("the gateway started without TLS");
  process.env.E2E_GATEWAY_CA = warden.gateway.tlsCertPath;
  process.env.E2E_STORE_URL = warden.config.DATABASE_URL;
  process.env.E2E_SECRET_KEY = warden.config.WARDEN_SECRET_KEY.toString("hex");
  process.env.E2E_DEMO_ROLE_PASSWORD = fs.readFileSync(path.join(dataDir, "demo-role.password"), "utf8").trim();
  return async () => {
    await warden.stop();
    logFile.end();
  };
}
