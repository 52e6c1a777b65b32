import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { stopChild } from "@/scripts/launcher/stop-child";
import type { Endpoint, PgbouncerPooling } from "./endpoints";

export type Pgbouncer = {
  /** The target under each pooling mode: the same database, as two entries of one pgbouncer. */
  endpoints: Record<PgbouncerPooling, Endpoint>;
  pid: number;
  version: string;
  stop(): Promise<void>;
};

export const PGBOUNCER_INSTALL_HINT = "pgbouncer is not installed: the pgbouncer column is skipped (Debian/Ubuntu: sudo apt-get install -y pgbouncer).";

export function findPgbouncer(): string | null {
  const candidates = [...(process.env.PATH ?? "").split(":").map((d) => `${d}/pgbouncer`), "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"];
  return candidates.find((p) => p.startsWith("/") && fs.existsSync(p)) ?? null;
}

function versionOf(binary: string): string {
  const out = spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout ?? "";
  return /PgBouncer (\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1] ?? "unknown";
}

/** The database name clients use for session pooling; the target's own name is transaction pooling. */
const sessionDatabase = (database: string) => `${database}_session`;

/**
 * pgbouncer on loopback in front of the target, with an ini and userlist generated in `dir`: the
 * target's name in transaction pooling (what pgbouncer is deployed for), and `<name>_session` in
 * session pooling for scenarios that keep prepared statements, which pgbouncer before 1.21 cannot
 * carry across transaction pooling; each is pgbouncer's fair configuration for its scenarios. As
 * root it drops to the `postgres` system user (it refuses to run as root).
 */
export async function startPgbouncer(binary: string, dir: string, upstream: Endpoint): Promise<Pgbouncer> {
  const version = versionOf(binary);
  const port = await findFreePort();
  fs.mkdirSync(dir, { recursive: true });
  const ini = path.join(dir, "pgbouncer.ini");
  const userlist = path.join(dir, "userlist.txt");
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  fs.writeFileSync(userlist, `${quote(upstream.user)} ${quote(upstream.password)}\n`, { mode: 0o600 });
  fs.writeFileSync(
    ini,
    [
      "[databases]",
      `${upstream.database} = host=${upstream.host} port=${upstream.port} dbname=${upstream.database}`,
      `${sessionDatabase(upstream.database)} = host=${upstream.host} port=${upstream.port} dbname=${upstream.database} pool_mode=session`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = scram-sha-256",
      `auth_file = ${userlist}`,
      "pool_mode = transaction",
      "default_pool_size = 20",
      "max_client_conn = 200",
      `logfile = ${path.join(dir, "pgbouncer.log")}`,
      `pidfile = ${path.join(dir, "pgbouncer.pid")}`,
      ...(process.getuid?.() === 0 ? ["user = postgres"] : []),
      "",
    ].join("\n"),
  );
  if (process.getuid?.() === 0) {
    // The dropped-privilege pgbouncer must read its files and write its log beside them.
    spawnSync("chown", ["-R", "postgres", dir]);
    fs.chmodSync(path.dirname(dir), 0o755);
  }
  const child = spawn(binary, [ini], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  await waitForPort(port, child, () => `${stderr}${readTail(path.join(dir, "pgbouncer.log"))}`);
  const endpoint = { ...upstream, host: "127.0.0.1", port };
  return {
    endpoints: { transaction: endpoint, session: { ...endpoint, database: sessionDatabase(upstream.database) } },
    pid: child.pid!,
    version,
    // The bench's clients are gone by now, so any of pgbouncer's shutdown modes ends it promptly.
    stop: () => stopChild(child, 5000),
  };
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-5).join("\n");
  } catch {
    return "";
  }
}

async function waitForPort(port: number, child: ChildProcess, explain: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}: ${explain()}`);
    const isOpen = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (isOpen) return;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`pgbouncer did not listen within 10 s: ${explain()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
