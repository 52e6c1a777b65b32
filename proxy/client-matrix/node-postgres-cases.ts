import tls from "node:tls";
import pg from "pg";
import { copyQuery } from "../testing/copy-query";
import type { MatrixTarget } from "./matrix-fixture";
import { caught, digestRows, errorDetail, ROWS_200K, type NodeCase } from "./run-node-cases";

/**
 * The client matrix's cases for node-postgres (pg), in-process: the same driver calls an
 * application makes, on a fresh connection per case.
 */

const configOf = (t: MatrixTarget, o: pg.ClientConfig = {}): pg.ClientConfig => ({
  host: t.host,
  port: t.port,
  user: t.user,
  password: t.password,
  database: t.database,
  ssl: false,
  ...o,
});

async function withClient<T>(t: MatrixTarget, o: pg.ClientConfig, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(configOf(t, o));
  // A broken connection fails the case through its queries; the event must not end the test process.
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** What @types/pg leaves out: the pid from BackendKeyData, and the CancelRequest sender. */
type UntypedClient = { processID: number; cancel(client: pg.Client, query: pg.Query): void };
const processIdOf = (c: pg.Client) => (c as unknown as UntypedClient).processID;
const streamOf = (c: pg.Client) => (c as unknown as { connection: { stream: unknown } }).connection.stream;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary = (r: pg.QueryResult) => ({ command: r.command, rowCount: r.rowCount, rows: r.rows });
const TLS_NO_VERIFY = { rejectUnauthorized: false };

/** One value of each type the issue names, as an application passes them. */
const PARAMS_SQL =
  "select $1::int as i, $2::numeric as n, $3::text as t, $4::bytea as b, $5::timestamptz as ts, $6::json as j, $7::uuid as u, $8::int[] as ai, $9::text[] as at, $10::int8 as big";
const PARAMS = [42, "12345.678900", "héllo, wörld", Buffer.from([0, 1, 2, 254, 255]), new Date("2024-05-06T07:08:09.123Z"), JSON.stringify({ a: [1, 2], b: "x" }), "6f1c2b0e-4a7e-4c43-9b0e-8a0f8f0b7c1d", [1, 2, 3], ["a", "b c", null], "9007199254740993"];

/**
 * COPY started over the extended protocol (Parse/Bind/Execute/Sync), as libpq's PQsendQueryParams
 * does it, through node-postgres's public "submittable" interface. FROM STDIN ends with CopyDone and
 * a second Sync (the server ignores the first while it is in COPY).
 */
function extendedCopy(client: pg.Client, text: string, data?: Buffer[]): Promise<{ tag: string; out: string }> {
  type Connection = { parse(q: { text: string }): void; bind(q: object): void; execute(q: object): void; sync(): void; sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void };
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let tag = "";
    const submittable = {
      submit(connection: Connection) {
        connection.parse({ text });
        connection.bind({});
        connection.execute({});
        connection.sync();
      },
      handleCopyInResponse(connection: Connection) {
        for (const d of data ?? []) connection.sendCopyFromChunk(d);
        connection.endCopyFrom();
        connection.sync();
      },
      handleCopyData(msg: { chunk: Buffer }) {
        chunks.push(msg.chunk);
      },
      handleCommandComplete(msg: { text: string }) {
        tag = msg.text;
      },
      handleError: reject,
      handleReadyForQuery() {
        resolve({ tag, out: Buffer.concat(chunks).toString("utf8") });
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
    };
    void client.query(submittable as unknown as pg.QueryConfig);
  });
}

export const NODE_POSTGRES_CASES: Record<string, NodeCase> = {
  connect_plain: (t) => withClient(t, {}, async (c) => ({ tls: streamOf(c) instanceof tls.TLSSocket, rows: (await c.query("select 1 as one")).rows })),

  connect_tls: (t) => withClient(t, { ssl: TLS_NO_VERIFY }, async (c) => ({ tls: streamOf(c) instanceof tls.TLSSocket, rows: (await c.query("select 1 as one")).rows })),

  connect_tls_direct: (t) =>
    withClient(t, { ssl: TLS_NO_VERIFY, sslnegotiation: "direct" }, async (c) => {
      const stream = streamOf(c);
      return { tls: stream instanceof tls.TLSSocket, alpn: (stream as tls.TLSSocket).alpnProtocol, rows: (await c.query("select 1 as one")).rows };
    }),

  multi_statement: (t) =>
    withClient(t, {}, async (c) => {
      const results = (await c.query("select 1 as a; create temp table m (x int); insert into m values (1), (2); select count(*)::int as n from m")) as unknown as pg.QueryResult[];
      return results.map(summary);
    }),

  empty_query: (t) =>
    withClient(t, {}, async (c) => ({
      simple: summary(await c.query("")),
      extended: summary(await c.query({ text: "", values: [], queryMode: "extended" } as pg.QueryConfig)),
      comment: summary(await c.query("  -- nothing to run\n")),
      after: (await c.query("select 1 as one")).rows,
    })),

  params_text: (t) => withClient(t, {}, async (c) => (await c.query(PARAMS_SQL, PARAMS)).rows),

  // Results in binary format (a Buffer parameter is always sent in binary). The driver's binary
  // parsers mangle numeric, timestamptz, uuid and arrays, so the case compares the raw binary values.
  params_binary: (t) =>
    withClient(t, {}, async (c) => {
      const raw = { getTypeParser: () => (value: Buffer) => value };
      return (await c.query({ text: PARAMS_SQL, values: PARAMS, binary: true, types: raw } as unknown as pg.QueryConfig)).rows;
    }),

  named_statement_reuse: (t) =>
    withClient(t, {}, async (c) => {
      let sum = 0;
      for (let i = 0; i < 50; i++) {
        sum += (await c.query({ name: "double_it", text: "select $1::int * 2 as v", values: [i] })).rows[0].v;
        if (i % 10 === 0) sum += (await c.query({ name: "plus_one", text: "select $1::int + 1 as v", values: [i] })).rows[0].v;
      }
      return { sum };
    }),

  pipeline: (t) =>
    withClient(t, { pipeline: true }, async (c) => {
      await c.query("create temp table p (x int)");
      const sent = [
        ...Array.from({ length: 20 }, (_, i) => c.query("insert into p values ($1)", [i])),
        c.query("select 1 / 0"),
        ...Array.from({ length: 5 }, (_, i) => c.query("select $1::int as v", [i])),
        c.query("select count(*)::int as n, sum(x)::int as s from p"),
      ];
      const settled = await Promise.allSettled(sent);
      return settled.map((s) => (s.status === "fulfilled" ? summary(s.value) : errorDetail(s.reason)));
    }),

  savepoints: (t) =>
    withClient(t, {}, async (c) => {
      await c.query("create temp table s (x int)");
      await c.query("begin");
      await c.query("insert into s values (1)");
      await c.query("savepoint a");
      await c.query("insert into s values (2)");
      const failed = await caught(() => c.query("insert into s values ('two')"));
      await c.query("rollback to savepoint a");
      await c.query("insert into s values (3)");
      await c.query("release savepoint a");
      await c.query("commit");
      await c.query("begin");
      await c.query("insert into s values (4)");
      await c.query("rollback");
      return { failed, rows: (await c.query("select x from s order by x")).rows };
    }),

  error_recovery: (t) =>
    withClient(t, {}, async (c) => ({
      missing: await caught(() => c.query("select * from nope")),
      after: (await c.query("select 1 as one")).rows,
      inTransaction: await (async () => {
        await c.query("begin");
        const division = await caught(() => c.query("select 1 / 0"));
        const aborted = await caught(() => c.query("select 1"));
        await c.query("rollback");
        return { division, aborted, after: (await c.query("select 2 as two")).rows };
      })(),
      extended: await caught(() => c.query("select $1::int", ["not a number"])),
      afterExtended: (await c.query("select $1::int as v", [3])).rows,
    })),

  syntax_error_position: (t) =>
    withClient(t, {}, async (c) => ({
      simple: await caught(() => c.query("selec 1")),
      extended: await caught(() => c.query("select 1 from items whre id = $1", [1])),
      endOfInput: await caught(() => c.query("select 1 +")),
      after: (await c.query("select 1 as one")).rows,
    })),

  copy_in_out: (t) =>
    withClient(t, {}, async (c) => {
      await c.query("create temp table c (id int, name text)");
      const copyIn = await copyQuery(c, "copy c from stdin", [Buffer.from("1\tAnn\n2\tB\\tob\n"), Buffer.from("3\t\\N\n")]);
      const copyOut = await copyQuery(c, "copy (select * from c order by id) to stdout with (format csv)");
      return { in: copyIn.tag, out: copyOut.tag, data: Buffer.concat(copyOut.chunks).toString("utf8"), after: (await c.query("select count(*)::int as n from c")).rows };
    }),

  copy_extended: (t) =>
    withClient(t, {}, async (c) => {
      await c.query("create temp table c (id int, name text)");
      const copyIn = await extendedCopy(c, "copy c from stdin", [Buffer.from("1\tAnn\n2\tBob\n")]);
      const copyOut = await extendedCopy(c, "copy (select * from c order by id) to stdout");
      return { copyIn, copyOut, after: (await c.query("select count(*)::int as n from c")).rows };
    }),

  listen_notify: (t) =>
    withClient(t, {}, async (c) => {
      const received: pg.Notification[] = [];
      c.on("notification", (n) => received.push(n));
      await c.query("listen matrix_channel");
      await c.query("notify matrix_channel, 'from myself'");
      await withClient(t, {}, (other) => other.query("notify matrix_channel, 'from another session'"));
      for (let i = 0; i < 250 && received.length < 2; i++) await sleep(20);
      const [own, theirs] = received;
      return {
        payloads: received.map((n) => [n.channel, n.payload]),
        // A client tells its own notifications by the process id it got in BackendKeyData.
        ownPidIsBackendKeyData: own?.processId === processIdOf(c),
        otherPidDiffers: theirs !== undefined && theirs.processId !== processIdOf(c),
      };
    }),

  cancel_sleep: (t) =>
    withClient(t, {}, async (c) => {
      const query = new pg.Query("select pg_sleep(30)");
      const finished = new Promise((resolve) => {
        query.on("error", (err) => resolve(errorDetail(err)));
        query.on("end", () => resolve({ code: "not canceled" }));
      });
      void c.query(query);
      await sleep(300);
      const started = Date.now();
      (new pg.Client(configOf(t)) as unknown as UntypedClient).cancel(c, query);
      const outcome = await finished;
      return { outcome, within5s: Date.now() - started < 5000, after: (await c.query("select 1 as one")).rows };
    }),

  rows_200k: (t) =>
    withClient(t, {}, async (c) => {
      const r = await c.query(ROWS_200K);
      return { rows: r.rowCount, sha256: digestRows(r.rows.map((row) => [row.g, row.h])) };
    }),

  cursor: (t) =>
    withClient(t, {}, async (c) => {
      // Execute with a row limit: the driver asks for 1,000 rows at a time from a suspended portal.
      const portal = await c.query({ text: "select g from generate_series(1, 5500) g", rows: 1000 } as pg.QueryConfig);
      await c.query("begin");
      await c.query("declare matrix_cursor cursor for select g from generate_series(1, 25) g");
      const pages: number[] = [];
      for (;;) {
        const page = await c.query("fetch 10 from matrix_cursor");
        if (!page.rowCount) break;
        pages.push(page.rowCount);
      }
      await c.query("close matrix_cursor");
      await c.query("commit");
      return { portalRows: portal.rows.length, portalSum: portal.rows.reduce((s, row) => s + row.g, 0), pages };
    }),

  // node-postgres has no large-object API; applications call the server's functions in SQL.
  large_objects_sql: (t) =>
    withClient(t, {}, async (c) => {
      await c.query("begin");
      const oid = (await c.query("select lo_from_bytea(0, $1) as oid", [Buffer.from("large object body")])).rows[0].oid;
      const fd = (await c.query("select lo_open($1, 393216) as fd", [oid])).rows[0].fd;
      await c.query("select lo_lseek($1, 0, 2)", [fd]);
      await c.query("select lowrite($1, $2)", [fd, Buffer.from(", appended")]);
      await c.query("select lo_lseek($1, 0, 0)", [fd]);
      const read = (await c.query("select loread($1, 100) as data", [fd])).rows[0].data as Buffer;
      await c.query("select lo_close($1)", [fd]);
      const whole = (await c.query("select lo_get($1) as data", [oid])).rows[0].data as Buffer;
      await c.query("select lo_unlink($1)", [oid]);
      await c.query("commit");
      return { read: read.toString(), whole: whole.toString() };
    }),

  startup_options: (t) =>
    withClient(t, { options: "-c search_path=app,public -c statement_timeout=5000", application_name: "matrix-node-postgres" }, async (c) => {
      const show = async (name: string) => (await c.query(`show ${name}`)).rows[0][name];
      return {
        search_path: await show("search_path"),
        statement_timeout: await show("statement_timeout"),
        application_name: await show("application_name"),
        // An unqualified name resolves in app (app.notes) only if the search path reached the server.
        notes: (await c.query("select to_regclass('notes')::text as r")).rows[0].r,
      };
    }),
};
