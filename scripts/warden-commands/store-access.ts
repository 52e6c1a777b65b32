import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb, type Db } from "@/lib/db/create-db";
import { parseConfig, type WardenConfig } from "@/lib/shared/config";
import { CliFailure } from "./command";

/** The repository root: `npm start` keeps WARDEN_DATA_DIR relative to it, whatever the shell's directory. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where the CLI's store is, and whether it is the embedded default `npm start` runs. */
export type StoreLocation = {
  url: string;
  /** The installation key when it is known (WARDEN_SECRET_KEY, or the embedded default's). */
  secretKey: Buffer | undefined;
  /** For sentences: "the embedded store in /repo/.warden (localhost:54320)" or "the store in DATABASE_URL (db.example.com:5432)". */
  description: string;
  isEmbeddedStore: boolean;
  /**
   * No DATABASE_URL and no OIDC_ISSUER: what `npm start` runs with no configuration, the embedded
   * store and the local demo OpenID provider, whose demo users' groups are therefore known.
   */
  isEmbeddedDefault: boolean;
};

export type Store = { db: Db; secretKey: Buffer; location: StoreLocation; close(): Promise<void> };

/**
 * DATABASE_URL and WARDEN_SECRET_KEY when set; otherwise the embedded default that `npm start` runs
 * (its port, password and key live in WARDEN_DATA_DIR), so `npx warden token create` works next to a
 * running `npm start`.
 */
export function locateStore(config: WardenConfig = parseConfig(process.env)): StoreLocation {
  if (config.DATABASE_URL) {
    const url = new URL(config.DATABASE_URL);
    return {
      url: config.DATABASE_URL,
      secretKey: config.WARDEN_SECRET_KEY,
      description: `the store in DATABASE_URL (${url.hostname}:${url.port || 5432}${url.pathname})`,
      isEmbeddedStore: false,
      isEmbeddedDefault: false,
    };
  }
  const dataDir = path.resolve(ROOT, config.WARDEN_DATA_DIR);
  const read = (name: string) => (fs.existsSync(path.join(dataDir, name)) ? fs.readFileSync(path.join(dataDir, name), "utf8").trim() : undefined);
  const port = read("pg.port");
  const password = read("pg.password");
  const key = read("secret.key");
  if (!port || !password || !key) {
    throw new CliFailure(
      `DATABASE_URL is not set and there is no embedded store in ${dataDir} yet: run \`npm start\` once (it creates one and keeps it there), or set DATABASE_URL and WARDEN_SECRET_KEY to use your own store.`,
    );
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@localhost:${port}/warden`,
    secretKey: config.WARDEN_SECRET_KEY ?? Buffer.from(key, "hex"),
    description: `the embedded store in ${dataDir} (localhost:${port})`,
    isEmbeddedStore: true,
    isEmbeddedDefault: !config.OIDC_ISSUER,
  };
}

export function openStore(location: StoreLocation = locateStore()): Store {
  // parseConfig already refuses DATABASE_URL without WARDEN_SECRET_KEY; this guards callers that build a location by hand.
  if (!location.secretKey) throw new CliFailure("WARDEN_SECRET_KEY is required with DATABASE_URL (the key the store's credentials and tokens were made with).");
  const db = createDb(location.url, { max: 2, applicationName: "warden-cli", connectTimeoutMs: 5_000 });
  return { db, secretKey: location.secretKey, location, close: () => db.$client.end() };
}

/**
 * Opens the store, runs `f`, closes it; a store that cannot be reached or is not set up becomes a
 * sentence that says what to do (start it, fix DATABASE_URL, run migrate), not a stack trace.
 */
export async function withStore<T>(f: (store: Store) => Promise<T>, location?: StoreLocation): Promise<T> {
  const store = openStore(location);
  try {
    return await f(store);
  } catch (err) {
    throw explainStoreError(err, store.location) ?? err;
  } finally {
    await store.close().catch(() => {});
  }
}

/** A sentence for the ways a store fails before any command logic runs; undefined for anything else. */
export function explainStoreError(err: unknown, location: StoreLocation): CliFailure | undefined {
  const code = errorCode(err);
  const where = location.description;
  const fix = location.isEmbeddedStore ? "start it with `npm start` (in another terminal) and try again, or set DATABASE_URL to use another store." : "check DATABASE_URL.";
  switch (code) {
    case "ECONNREFUSED":
      return new CliFailure(`Nothing answers at ${where}: ${fix}`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new CliFailure(`The host of ${where} cannot be found: check DATABASE_URL.`);
    case "ETIMEDOUT":
    case "connect-timeout":
      return new CliFailure(`${capitalize(where)} did not answer within 5 seconds: ${fix}`);
    case "ECONNRESET":
      return new CliFailure(`${capitalize(where)} closed the connection: ${fix}`);
    case "28P01":
    case "28000":
      return new CliFailure(`${capitalize(where)} refused the user name or password: check DATABASE_URL.`);
    case "3D000":
      return new CliFailure(`${capitalize(where)} has no such database: check DATABASE_URL (create the database, then run \`npx warden migrate\`).`);
    case "42P01":
      return new CliFailure(`${capitalize(where)} has no Warden tables yet: run \`npx warden migrate\` first.`);
    case "57P03":
      return new CliFailure(`${capitalize(where)} is starting up or shutting down: try again in a moment.`);
    default:
      return undefined;
  }
}

/** The SQLSTATE or errno code of an error or of what caused it (drizzle wraps driver errors). */
function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string") return e.code;
    // node-postgres says this in words only.
    if (typeof e.message === "string" && /timeout expired|due to connection timeout/i.test(e.message)) return "connect-timeout";
  }
  return undefined;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Who the audit trail names for changes made from this terminal. */
export function cliActor(): string {
  return `cli:${os.userInfo().username}@${os.hostname()}`;
}
