import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runTool } from "../testing/run-tool";
import type { MatrixTarget } from "./matrix-fixture";
import { ROWS_200K, type NodeCase } from "./run-node-cases";

/**
 * The client matrix's cases for psql and pgbench (libpq tools), one process per case, signed in
 * through libpq's environment (PGHOST… PGOPTIONS) as a user's shell would. psql 15 has no \bind
 * and no pipeline, and sends nothing for an empty string; pgbench covers parameters and pipelines.
 */

type ToolRun = { code: number | null; stdout: string; stderr: string };

function libpqEnv(t: MatrixTarget, extra: Record<string, string> = {}): Record<string, string> {
  return { PGHOST: t.host, PGPORT: String(t.port), PGUSER: t.user, PGPASSWORD: t.password, PGDATABASE: t.database, PGSSLMODE: "disable", PGAPPNAME: "matrix-psql", ...extra };
}

/** psql reading a script on stdin, errors not stopping it, each error with psql's LINE and caret. */
function psql(t: MatrixTarget, script: string, opts: { env?: Record<string, string>; args?: string[] } = {}) {
  return runTool("psql", ["-X", "-q", "-At", ...(opts.args ?? [])], { input: script, env: libpqEnv(t, opts.env), timeoutMs: 60_000 });
}

function pgbench(t: MatrixTarget, args: string[]) {
  return runTool("pgbench", args, { env: libpqEnv(t, { PGAPPNAME: "matrix-pgbench" }), timeoutMs: 120_000 });
}

/** What a run shows a user, with what differs between two healthy runs (pids, OIDs, temp dirs) masked. */
function shown(run: ToolRun, dir?: string) {
  const mask = (s: string) =>
    (dir ? s.replaceAll(dir, "<dir>") : s).replace(/server process with PID \d+/g, "server process with PID <pid>").replace(/\blo_import \d+/g, "lo_import <oid>");
  return { code: run.code, stdout: mask(run.stdout), stderr: mask(run.stderr) };
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-matrix-psql-"));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** pgbench's summary without its timings: the lines that say what ran and what failed. */
function pgbenchSummary(run: ToolRun, dir?: string) {
  const stdout = dir ? run.stdout.replaceAll(dir, "<dir>") : run.stdout;
  const lines = stdout.split("\n").filter((l) => /^(transaction type|query mode|number of clients|number of transactions|number of failed)/.test(l));
  return { code: run.code, lines, errors: run.stderr.split("\n").filter((l) => /error|ERROR|FATAL/.test(l)) };
}

/** Runs psql with a query and interrupts it as a user's Ctrl-C would: psql sends a CancelRequest. */
function psqlInterrupted(t: MatrixTarget, sql: string, afterMs: number): Promise<ToolRun & { ms: number }> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...libpqEnv(t) } as unknown as NodeJS.ProcessEnv;
    const child = spawn("psql", ["-X", "-At", "-c", sql], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const started = Date.now();
    const interrupt = setTimeout(() => child.kill("SIGINT"), afterMs);
    const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(interrupt);
      clearTimeout(deadline);
      resolve({ code, stdout, stderr, ms: Date.now() - started - afterMs });
    });
  });
}

const PGBENCH_PIPELINE = `\\set aid random(1, 100000)
\\startpipeline
select abalance from pgbench_accounts where aid = :aid;
select :aid::int + 1 as next;
update pgbench_accounts set abalance = abalance where aid = :aid;
\\endpipeline
`;

export const PSQL_PGBENCH_CASES: Record<string, NodeCase> = {
  connect_plain: async (t) => {
    const run = await psql(t, "select 1;\n\\conninfo\n");
    return { code: run.code, rows: run.stdout.split("\n")[0], ssl: /SSL connection/.test(run.stdout), stderr: run.stderr };
  },

  connect_tls: async (t) => {
    const run = await psql(t, "select 1;\n\\conninfo\n", { env: { PGSSLMODE: "require" } });
    return { code: run.code, rows: run.stdout.split("\n")[0], ssl: run.stdout.match(/SSL connection \(protocol: (TLSv[\d.]+)/)?.[1] ?? null, stderr: run.stderr };
  },

  multi_statement: async (t) => shown(await runTool("psql", ["-X", "-At", "-c", "select 1; create temp table m (x int); insert into m values (1), (2); select count(*) from m"], { env: libpqEnv(t) })),

  savepoints: async (t) =>
    shown(
      await psql(
        t,
        `create temp table s (x int);
begin;
insert into s values (1);
savepoint a;
insert into s values (2);
insert into s values ('two');
rollback to savepoint a;
insert into s values (3);
release savepoint a;
commit;
begin;
insert into s values (4);
rollback;
select string_agg(x::text, ',' order by x) from s;
`,
      ),
    ),

  error_recovery: async (t) =>
    shown(
      await psql(
        t,
        `select * from nope;
\\echo :LAST_ERROR_SQLSTATE
select 1;
begin;
select 1 / 0;
select 1;
\\echo :LAST_ERROR_SQLSTATE
rollback;
select 2;
`,
      ),
    ),

  // psql shows the server's position as LINE 1 and a caret.
  syntax_error_position: async (t) =>
    shown(
      await psql(
        t,
        `selec 1;
\\echo :LAST_ERROR_SQLSTATE
select 1 from items whre id = 1;
select 1 +
;
\\set VERBOSITY verbose
selec 2;
select 3;
`,
      ),
    ),

  copy_in_out: (t) =>
    inTempDir(async (dir) => {
      const csv = path.join(dir, "in.csv");
      const out = path.join(dir, "out.csv");
      fs.writeFileSync(csv, "1,Ann\n2,Bob\n3,\n");
      const run = await psql(
        t,
        `create temp table c (id int, name text);
\\copy c from '${csv}' with (format csv)
copy c from stdin;
4\tDee
\\.
\\copy (select * from c order by id) to '${out}' with (format csv)
copy (select id from c where name is null) to stdout;
`,
      );
      return { ...shown(run, dir), file: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : null };
    }),

  // psql 15 does not show the pid it got in BackendKeyData, so only the notification itself is compared.
  listen_notify: async (t) => shown(await psql(t, "listen matrix_channel;\nnotify matrix_channel, 'from myself';\nselect 1;\n")),

  cancel_sleep: async (t) => {
    const run = await psqlInterrupted(t, "select pg_sleep(30)", 1000);
    return { ...shown(run), within5s: run.ms < 5000 };
  },

  rows_200k: async (t) => {
    const run = await psql(t, `${ROWS_200K};\n`);
    return { code: run.code, lines: run.stdout.split("\n").length - 1, sha256: createHash("sha256").update(run.stdout).digest("hex"), stderr: run.stderr };
  },

  // FETCH_COUNT makes psql read through a cursor (DECLARE, FETCH FORWARD 1000).
  cursor: async (t) => {
    const run = await psql(t, "\\set FETCH_COUNT 1000\nselect g from generate_series(1, 5500) g;\nbegin;\ndeclare cur cursor for select g from generate_series(1, 25) g;\nfetch 10 from cur;\nfetch all from cur;\ncommit;\n");
    return { code: run.code, lines: run.stdout.split("\n").length - 1, sha256: createHash("sha256").update(run.stdout).digest("hex"), stderr: run.stderr };
  },

  // \lo_import, \lo_export and \lo_unlink are libpq's client-side large-object API (FunctionCall).
  large_objects: (t) =>
    inTempDir(async (dir) => {
      const source = path.join(dir, "source.bin");
      const copy = path.join(dir, "copy.bin");
      fs.writeFileSync(source, Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)));
      const run = await psql(t, `\\lo_import '${source}'\n\\lo_export :LASTOID '${copy}'\nselect length(lo_get(:LASTOID));\n\\lo_unlink :LASTOID\n`);
      return { ...shown(run, dir), sameBytes: fs.existsSync(copy) && fs.readFileSync(copy).equals(fs.readFileSync(source)) };
    }),

  startup_options: async (t) =>
    shown(
      await psql(t, "show search_path;\nshow statement_timeout;\nshow application_name;\nselect to_regclass('notes');\n", {
        env: { PGOPTIONS: "-c search_path=app,public -c statement_timeout=5000" },
      }),
    ),

  pgbench_init: async (t) => {
    const run = await pgbench(t, ["-i", "-s", "1", "-q"]);
    const count = await psql(t, "select count(*) from pgbench_accounts;\n");
    return { code: run.code, done: /done in/.test(run.stderr), errors: run.stderr.split("\n").filter((l) => /error|ERROR/.test(l)), accounts: count.stdout };
  },

  pgbench_simple: async (t) => pgbenchSummary(await pgbench(t, ["-n", "-c", "2", "-t", "20", "-M", "simple"])),
  pgbench_extended: async (t) => pgbenchSummary(await pgbench(t, ["-n", "-c", "2", "-t", "20", "-M", "extended"])),
  pgbench_prepared: async (t) => pgbenchSummary(await pgbench(t, ["-n", "-c", "2", "-t", "20", "-M", "prepared"])),

  pgbench_pipeline: (t) =>
    inTempDir(async (dir) => {
      const script = path.join(dir, "pipeline.sql");
      fs.writeFileSync(script, PGBENCH_PIPELINE);
      return pgbenchSummary(await pgbench(t, ["-n", "-c", "1", "-t", "20", "-M", "prepared", "-f", script]), dir);
    }),
};
