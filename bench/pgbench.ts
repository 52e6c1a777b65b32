import fs from "node:fs";
import { runTool } from "@/proxy/testing/run-tool";
import { libpqEnv, type Endpoint } from "./endpoints";

/** pgbench from PATH, or from the PostgreSQL client packages' own directory. */
export function findPgbench(): string | null {
  const candidates = [...(process.env.PATH ?? "").split(":").map((d) => `${d}/pgbench`), "/usr/lib/postgresql/18/bin/pgbench", "/usr/lib/postgresql/17/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench", "/usr/lib/postgresql/15/bin/pgbench"];
  return candidates.find((p) => p.startsWith("/") && fs.existsSync(p)) ?? null;
}

/** `pgbench -i` straight against the target (creating the tables is not what is measured). */
export async function initialisePgbench(pgbench: string, target: Endpoint, scale: number): Promise<void> {
  const r = await runTool(pgbench, ["-i", "-q", "-s", String(scale)], { env: libpqEnv(target), timeoutMs: 10 * 60_000 });
  if (r.code !== 0) throw new Error(`pgbench -i failed: ${r.stderr.trim()}`);
}

export type PgbenchRun = { clients: number; protocol: "simple" | "prepared"; durationSeconds: number };
export type PgbenchResult = { tps: number; latencyMs: number; transactions: number; failed: number };

/** pgbench -S (select only) for a fixed time, without its VACUUM (pgbench -n), against one endpoint. */
export async function runPgbench(pgbench: string, endpoint: Endpoint, run: PgbenchRun): Promise<PgbenchResult> {
  const args = ["-n", "-S", "-M", run.protocol, "-c", String(run.clients), "-j", String(Math.min(run.clients, 2)), "-T", String(run.durationSeconds)];
  const r = await runTool(pgbench, args, { env: { ...libpqEnv(endpoint), PGAPPNAME: "pgbench-bench" }, timeoutMs: (run.durationSeconds + 60) * 1000 });
  const result = parsePgbenchOutput(r.stdout);
  if (r.code !== 0 || !result) throw new PgbenchFailed(r.code, r.stderr || r.stdout);
  return result;
}

/** pgbench failed or aborted its clients; `message` is the first server error it reported. */
export class PgbenchFailed extends Error {
  override name = "PgbenchFailed";
  constructor(
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    const firstError = /ERROR:\s+(.*)$/m.exec(output)?.[1] ?? output.trim().split("\n").at(-1) ?? "";
    super(`pgbench exited with ${exitCode}: ${firstError}`);
  }
}

/** Reads TPS and mean latency from pgbench's summary (PostgreSQL 13+ wording). */
export function parsePgbenchOutput(stdout: string): PgbenchResult | null {
  const tps = /^tps = ([\d.]+) \(without initial connection time\)/m.exec(stdout) ?? /^tps = ([\d.]+)/m.exec(stdout);
  const latency = /^latency average = ([\d.]+) ms/m.exec(stdout);
  const processed = /^number of transactions actually processed: (\d+)/m.exec(stdout);
  const failed = /^number of failed transactions: (\d+)/m.exec(stdout);
  if (!tps || !latency) return null;
  return { tps: Number(tps[1]), latencyMs: Number(latency[1]), transactions: Number(processed?.[1] ?? 0), failed: Number(failed?.[1] ?? 0) };
}
