import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { createDb } from "@/lib/db/create-db";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrateStore } from "@/lib/db/migrate";
import type { Logger } from "@/proxy/log";
import { Recorder, RecordingUnavailable, type RecordingMode } from "@/proxy/recording/recorder";

/**
 * The gateway's recording alone, without a gateway or a target: N simulated sessions each call
 * beginStatements then finishStatement in a loop, against an embedded PostgreSQL store, for a few
 * seconds per configuration. Prints statements recorded per second and the begin latency (strict:
 * until the record is durable; async: until it is queued). Not a test; figures only.
 *
 *   npx tsx bench/recording-throughput.ts [--seconds 5] [--sessions 1,10,50] [--modes strict,async] [--recorders 1,2]
 *     [--lanes N] [--chain-delay-ms N] [--label TEXT]
 *
 * `--recorders R` splits the sessions over R Recorder instances sharing the store (as R gateway
 * workers would, though here they share one process and event loop). "store commits" counts the
 * store database's transactions during the run (statistics; the chainer's included). "node CPU"
 * is this process's CPU time per recorded statement: the recorder's, plus the simulated sessions'
 * loop (the same for every version), everything the gateway's event loop would pay.
 *
 * To compare with another version of the recorder, copy this file into a worktree of it
 * (`git worktree add /tmp/rec-before <commit>`) and run it there.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    sessions: { type: "string", default: "1,10,50" },
    modes: { type: "string", default: "strict,async" },
    recorders: { type: "string", default: "1" },
    lanes: { type: "string" },
    "chain-delay-ms": { type: "string" },
    label: { type: "string", default: "" },
  },
});
const seconds = Number(values.seconds);
const sessionCounts = values.sessions.split(",").map(Number);
const modes = values.modes.split(",") as RecordingMode[];
const recorderCounts = values.recorders.split(",").map(Number);

const silent: Logger = { debug() {}, info() {}, warn() {}, error: (m, f) => console.error(`[recorder] ${m} ${JSON.stringify(f ?? {})}`), child: () => silent };

const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-rec-bench-"));
const server = await startEmbeddedPostgres({ dataDir: path.join(tmpDir, "pg") });
const rows: string[] = [];
try {
  let run = 0;
  for (const mode of modes) {
    for (const recorders of recorderCounts) {
      for (const sessions of sessionCounts) {
        const database = `rec_${run++}`;
        await server.ensureDatabase(database);
        const url = server.urlFor(database);
        await migrateStore(url);
        rows.push(await measure(url, mode, sessions, recorders));
        console.log(rows.at(-1));
      }
    }
  }
} finally {
  await server.stop().catch(() => {});
  fs.rmSync(tmpDir, { recursive: true, force: true });
}
console.log(`\nrecording throughput ${values.label} (${seconds}s per row, load ${os.loadavg()[0].toFixed(2)}, ${os.cpus().length} cores)`);
console.log("| mode | recorders | sessions | statements/s | begin p50 ms | begin p99 ms | node CPU µs/stmt | refused | store commits | audit events | waiting to chain | chain |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);

/** Transactions committed in the store's database so far (statistics lag by up to a second: read after a pause). */
async function storeCommits(db: ReturnType<typeof createDb>): Promise<number> {
  await new Promise((r) => setTimeout(r, 1000));
  await db.execute(sql`select pg_stat_clear_snapshot()`);
  const [{ n }] = (await db.execute(sql`select xact_commit::float8 as n from pg_stat_database where datname = current_database()`)).rows as { n: number }[];
  return n;
}

async function measure(url: string, mode: RecordingMode, sessionCount: number, recorderCount: number): Promise<string> {
  const dbs = Array.from({ length: recorderCount }, () => createDb(url, { max: 2 }));
  // `lanes` and `chainDelayMs` are options of the lock-free recorder; the one before it ignores them.
  const recs = dbs.map((db) => new Recorder(db, { mode, log: silent, ...(values.lanes ? { lanes: Number(values.lanes) } : {}), ...(values["chain-delay-ms"] ? { chainDelayMs: Number(values["chain-delay-ms"]) } : {}) }));
  const commitsBefore = await storeCommits(dbs[0]);
  const latencies: number[] = [];
  let begun = 0;
  let refused = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();

  await Promise.all(
    Array.from({ length: sessionCount }, async (_, i) => {
      const recorder = recs[i % recs.length];
      const sessionId = randomUUID();
      const audit = { actor: "bench@example.com", action: "gateway.session.start", targetType: "session", targetId: sessionId, targetName: "bench", details: { clientAddress: "127.0.0.1" } };
      await recorder.startSession(
        { id: sessionId, connectionName: "bench", userName: "bench@example.com", actorKind: "human", authMethod: "token", clientAddress: "127.0.0.1", isTls: false, protocolVersion: "3.0", gatewayInstance: `bench:${i}`, recordingMode: mode, startedAt: new Date() },
        audit,
      );
      for (let seq = 1; performance.now() < deadline; ) {
        const id = randomUUID();
        const receivedAt = new Date();
        const sqlText = `SELECT abalance FROM pgbench_accounts WHERE aid = ${(seq * 7919) % 1_000_000}`;
        const item = {
          row: { id, sessionId, seq, protocol: "simple" as const, sql: sqlText, params: null, kind: "read", command: "SELECT", relations: [{ schema: null, name: "pgbench_accounts", access: "read" as const }], fingerprint: "f00d", parseError: null, decision: "forward" as const, decisionReason: null, flags: [], status: "running" as const, receivedAt, gatewayMs: 0.05, finishedAt: null, errorCode: null, errorMessage: null },
          // What the relay passes today; a recorder that chains statements itself may ignore it.
          audit: { actor: "bench@example.com", action: "gateway.statement", targetType: "session", targetId: sessionId, targetName: "bench", details: { statementId: id, seq, protocol: "simple", kind: "read", decision: "forward", status: "forwarded", sql: sqlText, sqlSha256: "0".repeat(64), paramsSha256: null } },
        };
        const t0 = performance.now();
        try {
          const durable = recorder.beginStatements([item]);
          if (durable) await durable;
        } catch (err) {
          if (!(err instanceof RecordingUnavailable)) throw err;
          refused++;
          await new Promise((r) => setTimeout(r, 1));
          continue;
        }
        latencies.push(performance.now() - t0);
        begun++;
        seq++;
        // The statement runs (a turn of the event loop), then its outcome is recorded.
        await new Promise((r) => setImmediate(r));
        recorder.finishStatement({ id, sessionId, receivedAt, status: "ok", finishedAt: new Date(), durationMs: 0.1, commandTag: "SELECT 1", rowCount: 1, errorCode: null, errorMessage: null, columns: [{ name: "abalance", typeOid: 23, tableOid: 16384, columnNumber: 2, format: "text" }], rows: [["0"]], rowsTruncated: false, resultRowCount: 1, maskedColumns: null });
      }
      recorder.endSession({ id: sessionId, endedAt: new Date(), endReason: "client_terminated" }, { ...audit, action: "gateway.session.end", details: { reason: "client_terminated" } });
    }),
  );
  // Everything queued is written before the clock stops: async mode is measured on what reached the store.
  await Promise.all(recs.map((r) => r.close(120_000)));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const db = dbs[0];
  const [{ done }] = (await db.execute(sql`select count(*)::int as done from statements where status = 'ok'`)).rows as { done: number }[];
  const [{ events }] = (await db.execute(sql`select count(*)::int as events from audit_events`)).rows as { events: number }[];
  const hasQueue = (await db.execute(sql`select to_regclass('unchained_audit_events') is not null as has`)).rows[0].has;
  const waiting = hasQueue ? ((await db.execute(sql`select count(*)::int as n from unchained_audit_events`)).rows[0].n as number) : 0;
  const report = await verifyAuditChain(db);
  const commits = (await storeCommits(db)) - commitsBefore;
  await Promise.all(dbs.map((d) => d.$client.end()));

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(3) : "-");
  const finishedNote = done === begun ? "" : ` (${done} of ${begun} finished)`;
  return `| ${mode} | ${recorderCount} | ${sessionCount} | ${Math.round(done / elapsed).toLocaleString("en-US")}${finishedNote} | ${pct(0.5)} | ${pct(0.99)} | ${done ? Math.round((cpu.user + cpu.system) / done) : "-"} | ${refused} | ${commits.toLocaleString("en-US")} | ${events} | ${waiting} | ${report.isIntact ? "intact" : "BROKEN"} |`;
}
