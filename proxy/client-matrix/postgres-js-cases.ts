import { Readable, Writable } from "node:stream";
import { pipeline as pipe } from "node:stream/promises";
import postgres from "postgres";
import type { MatrixTarget } from "./matrix-fixture";
import { caught, digestRows, errorDetail, ROWS_200K, type NodeCase } from "./run-node-cases";

/**
 * The client matrix's cases for postgres.js, in-process. Each case has its own pool of one
 * connection (so pipelined queries share it, as they would under load); tagged templates use the
 * extended protocol and prepare named statements, `.simple()` and `unsafe` without arguments the
 * simple one.
 */

type Sql = postgres.Sql;

async function withSql<T>(t: MatrixTarget, o: postgres.Options<Record<string, postgres.PostgresType>>, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres({ host: t.host, port: t.port, username: t.user, password: t.password, database: t.database, ssl: false, max: 1, onnotice: () => {}, ...o });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const summary = (r: postgres.RowList<postgres.Row[]>) => ({ command: r.command, count: r.count, rows: [...r] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function collect(readable: Readable) {
  const chunks: Buffer[] = [];
  for await (const chunk of readable) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export const POSTGRES_JS_CASES: Record<string, NodeCase> = {
  connect_plain: (t) => withSql(t, {}, async (sql) => [...(await sql`select 1 as one`)]),

  // ssl: 'require' refuses a server without TLS, as libpq's sslmode=require does.
  connect_tls: (t) => withSql(t, { ssl: "require" }, async (sql) => [...(await sql`select 1 as one`)]),

  connect_tls_direct: (t) => withSql(t, { ssl: "require", sslnegotiation: "direct" } as postgres.Options<Record<string, postgres.PostgresType>>, async (sql) => [...(await sql`select 1 as one`)]),

  multi_statement: (t) =>
    withSql(t, {}, async (sql) => {
      const results = (await sql.unsafe("select 1 as a; create temp table m (x int); insert into m values (1), (2); select count(*)::int as n from m")) as unknown as postgres.RowList<postgres.Row[]>[];
      return results.map(summary);
    }),

  empty_query: (t) =>
    withSql(t, {}, async (sql) => ({
      simple: summary(await sql.unsafe("")),
      extended: summary(await sql.unsafe("", [], { simple: false } as postgres.UnsafeQueryOptions)),
      comment: summary(await sql.unsafe("  -- nothing to run\n")),
      after: [...(await sql`select 1 as one`)],
    })),

  params_text: (t) =>
    withSql(t, {}, async (sql) => [
      ...(await sql`select ${42}::int as i, ${"12345.678900"}::numeric as n, ${"héllo, wörld"}::text as t, ${Buffer.from([0, 1, 2, 254, 255])}::bytea as b,
        ${new Date("2024-05-06T07:08:09.123Z")}::timestamptz as ts, ${sql.json({ a: [1, 2], b: "x" })}::json as j, ${"6f1c2b0e-4a7e-4c43-9b0e-8a0f8f0b7c1d"}::uuid as u,
        ${[1, 2, 3]}::int[] as ai, ${["a", "b c"]}::text[] as at, ${"9007199254740993"}::int8 as big`),
    ]),

  named_statement_reuse: (t) =>
    withSql(t, {}, async (sql) => {
      let sum = 0;
      for (let i = 0; i < 50; i++) {
        const [{ v }] = await sql`select ${i}::int * 2 as v`;
        sum += v;
        if (i % 10 === 0) sum += (await sql`select ${i}::int + 1 as v`)[0].v;
      }
      return { sum };
    }),

  pipeline: (t) =>
    withSql(t, {}, async (sql) => {
      await sql`create temp table p (x int)`;
      // One connection: Promise.all pipelines the queries, each with its own Sync.
      const settled = await Promise.allSettled([
        ...Array.from({ length: 20 }, (_, i) => sql`insert into p values (${i})`),
        sql`select 1 / 0`,
        ...Array.from({ length: 5 }, (_, i) => sql`select ${i}::int as v`),
      ]);
      // A batch: one Sync, one implicit transaction; a failure rolls it all back.
      const batch = await sql.batch([sql`insert into p values (100)`, sql`select 1 / ${0}::int`, sql`insert into p values (101)`]).then(
        () => "no error",
        (err) => ({ ...errorDetail(err), index: (err as { index?: number }).index }),
      );
      return {
        settled: settled.map((s) => (s.status === "fulfilled" ? summary(s.value) : errorDetail(s.reason))),
        batch,
        after: [...(await sql`select count(*)::int as n, sum(x)::int as s from p`)],
      };
    }),

  savepoints: (t) =>
    withSql(t, {}, async (sql) => {
      await sql`create temp table s (x int)`;
      let failed: unknown;
      await sql.begin(async (tx) => {
        await tx`insert into s values (1)`;
        failed = await caught(() =>
          tx.savepoint(async (sp) => {
            await sp`insert into s values (2)`;
            await sp`insert into s values (${"two"}::int)`;
          }),
        );
        await tx.savepoint((sp) => sp`insert into s values (3)`);
      });
      const rolledBack = await caught(() =>
        sql.begin(async (tx) => {
          await tx`insert into s values (4)`;
          throw Object.assign(new Error("roll back"), { code: "app" });
        }),
      );
      return { failed, rolledBack, rows: [...(await sql`select x from s order by x`)] };
    }),

  error_recovery: (t) =>
    withSql(t, {}, async (sql) => ({
      missing: await caught(() => sql`select * from nope`),
      after: [...(await sql`select 1 as one`)],
      inTransaction: await caught(() =>
        sql.begin(async (tx) => {
          await tx`select 1 / 0`;
        }),
      ),
      badParam: await caught(() => sql`select ${"not a number"}::text::int`),
      afterAll: [...(await sql`select 2 as two`)],
    })),

  syntax_error_position: (t) =>
    withSql(t, {}, async (sql) => ({
      extended: await caught(() => sql`selec 1`),
      where: await caught(() => sql`select 1 from items whre id = ${1}`),
      simple: await caught(() => sql`selec 1`.simple()),
      endOfInput: await caught(() => sql.unsafe("select 1 +")),
      after: [...(await sql`select 1 as one`)],
    })),

  copy_in_out: (t) =>
    withSql(t, {}, async (sql) => {
      await sql`create temp table c (id int, name text)`;
      const writable = (await sql`copy c from stdin`.simple().writable()) as Writable & { count?: number };
      await pipe(Readable.from(["1\tAnn\n", "2\tB\\tob\n", "3\t\\N\n"]), writable);
      const data = await collect(await sql`copy (select * from c order by id) to stdout with (format csv)`.simple().readable());
      return { in: writable.count ?? null, data, after: [...(await sql`select count(*)::int as n from c`)] };
    }),

  // A tagged template starts COPY with Parse/Bind/Execute.
  copy_extended: (t) =>
    withSql(t, {}, async (sql) => {
      await sql`create temp table c (id int, name text)`;
      const writable = (await sql`copy c from stdin`.writable()) as Writable & { count?: number };
      await pipe(Readable.from(["1\tAnn\n", "2\tBob\n"]), writable);
      const data = await collect(await sql`copy (select * from c order by id) to stdout`.readable());
      return { in: writable.count ?? null, data, after: [...(await sql`select count(*)::int as n from c`)] };
    }),

  listen_notify: async (t) => {
    const received: [string, string, number][] = [];
    return withSql(t, { onnotify: (channel: string, payload: string, pid: number) => received.push([channel, payload, pid]) } as postgres.Options<Record<string, postgres.PostgresType>>, async (sql) => {
      const reserved = await sql.reserve();
      try {
        await reserved`listen matrix_channel`;
        const own = await reserved`notify matrix_channel, 'from myself'`;
        await withSql(t, {}, (other) => other`notify matrix_channel, 'from another session'`);
        for (let i = 0; i < 250 && received.length < 2; i++) await sleep(20);
        const ownPid = (own as unknown as { state: { pid: number } }).state.pid; // from BackendKeyData
        return {
          payloads: received.map(([channel, payload]) => [channel, payload]),
          ownPidIsBackendKeyData: received[0]?.[2] === ownPid,
          otherPidDiffers: received[1] !== undefined && received[1][2] !== ownPid,
        };
      } finally {
        reserved.release();
      }
    });
  },

  cancel_sleep: (t) =>
    withSql(t, {}, async (sql) => {
      const query = sql`select pg_sleep(30)`.execute();
      setTimeout(() => void query.cancel(), 300);
      const started = Date.now();
      const outcome = await caught(() => query);
      return { outcome, within5s: Date.now() - started < 5000, after: [...(await sql`select 1 as one`)] };
    }),

  rows_200k: (t) =>
    withSql(t, {}, async (sql) => {
      const rows = await sql.unsafe(ROWS_200K, [], { simple: false } as postgres.UnsafeQueryOptions);
      return { rows: rows.length, sha256: digestRows(rows.map((r) => [r.g, r.h])) };
    }),

  cursor: (t) =>
    withSql(t, {}, async (sql) => {
      const batches: number[] = [];
      let sum = 0;
      await sql`select g from generate_series(1, 5500) g where g > ${0}`.cursor(1000, (rows) => {
        batches.push(rows.length);
        for (const r of rows) sum += r.g;
      });
      // Inside a transaction each cursor has a portal of its own, interleaved with other queries.
      const interleaved = await sql.begin(async (tx) => {
        const seen: number[] = [];
        for await (const rows of tx`select g from generate_series(1, 25) g`.cursor(10)) {
          seen.push(rows.length);
          await tx`select 1`;
        }
        return seen;
      });
      return { batches, sum, interleaved };
    }),

  // postgres.js's large-object API calls lo_creat, lo_open, loread… in SQL, in a transaction.
  large_objects: (t) =>
    withSql(t, {}, async (sql) => {
      const lo = await sql.largeObject();
      await lo.write(Buffer.from("large object body"));
      await lo.seek(0);
      // The typings say these resolve to nothing; they resolve to the rows of their SELECT.
      const [{ data }] = (await lo.read(100)) as unknown as [{ data: Buffer }];
      const [{ position, size }] = (await lo.size()) as unknown as [{ position: string; size: string }];
      await lo.close();
      return { data: Buffer.from(data).toString(), position, size };
    }),

  startup_options: (t) =>
    withSql(t, { connection: { options: "-c search_path=app,public -c statement_timeout=5000", application_name: "matrix-postgres-js" } }, async (sql) => {
      const show = async (name: string) => Object.values((await sql.unsafe(`show ${name}`))[0])[0];
      return {
        search_path: await show("search_path"),
        statement_timeout: await show("statement_timeout"),
        application_name: await show("application_name"),
        // An unqualified name resolves in app (app.notes) only if the search path reached the server.
        notes: (await sql`select to_regclass('notes')::text as r`)[0].r,
      };
    }),
};
