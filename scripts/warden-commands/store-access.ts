import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb, type Db } from "@/lib/db/create-db";
import { ConfigError, parseConfig } from "@/lib/shared/config";

/**
 * The store and installation key for CLI commands: DATABASE_URL and WARDEN_SECRET_KEY when set;
 * otherwise the embedded default that `npm start` runs (its port, password and key live in
 * WARDEN_DATA_DIR), so `npx warden token create` works next to a running `npm start`.
 */
export function openStore(): { db: Db; secretKey: Buffer; close(): Promise<void> } {
  const config = parseConfig(process.env);
  let url = config.DATABASE_URL;
  let secretKey = config.WARDEN_SECRET_KEY;
  if (!url) {
    const dataDir = path.resolve(config.WARDEN_DATA_DIR);
    const read = (name: string) => (fs.existsSync(path.join(dataDir, name)) ? fs.readFileSync(path.join(dataDir, name), "utf8").trim() : undefined);
    const port = read("pg.port");
    const password = read("pg.password");
    const key = read("secret.key");
    if (!port || !password || !key) {
      throw new ConfigError([`DATABASE_URL is not set and there is no embedded store in ${dataDir} (run \`npm start\` first, or set DATABASE_URL and WARDEN_SECRET_KEY).`]);
    }
    url = `postgres://postgres:${encodeURIComponent(password)}@localhost:${port}/warden`;
    secretKey ??= Buffer.from(key, "hex");
  }
  if (!secretKey) throw new ConfigError(["WARDEN_SECRET_KEY is required with DATABASE_URL."]);
  const db = createDb(url, { max: 2, applicationName: "warden-cli" });
  return { db, secretKey, close: () => db.$client.end() };
}

/** Who the audit trail names for changes made from this terminal. */
export function cliActor(): string {
  return `cli:${os.userInfo().username}@${os.hostname()}`;
}
