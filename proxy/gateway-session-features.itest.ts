import fs from "node:fs";
import tls from "node:tls";
import { asc, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements } from "@/drizzle/schema";
import { copyQuery } from "./testing/copy-query";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { runTool } from "./testing/run-tool";

describe("gateway: COPY, cancel, notices, LISTEN/NOTIFY with node-postgres", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(() => fx?.close());

  it("copies data in and out with COPY FROM STDIN and COPY TO STDOUT", async () => {
    const c = await fx.connect({ application_name: "copy-pg" });
    await c.query("create table copied (id int, note text)");
    const lines = Array.from({ length: 1000 }, (_, i) => `${i}\tnote ${i}\n`);
    const copyIn = await copyQuery(c, "copy copied from stdin", [Buffer.from(lines.slice(0, 500).join("")), Buffer.from(lines.slice(500).join(""))]);
    expect(copyIn.tag).toBe("COPY 1000");
    const copyOut = await copyQuery(c, "copy (select * from copied order by id) to stdout");
    expect(Buffer.concat(copyOut.chunks).toString()).toBe(lines.join(""));
    await expect(copyQuery(c, "copy copied from stdin", [Buffer.from("not-a-number\tx\n")])).rejects.toMatchObject({ code: "22P02" });
    expect((await c.query("select count(*)::int as n from copied")).rows[0].n).toBe(1000);
    await c.end();
    const [session] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "copy-pg"));
    const rows = await eventually(async () => {
      const r = await fx.db.select().from(statements).where(eq(statements.sessionId, session.id)).orderBy(asc(statements.seq));
      return r.length === 5 && r.every((s) => s.status !== "running") ? r : undefined;
    });
    expect(rows.map((s) => [s.sql, s.status, s.rowCount])).toEqual([
      ["create table copied (id int, note text)", "ok", null],
      ["copy copied from stdin", "ok", 1000],
      ["copy (select * from copied order by id) to stdout", "ok", 1000],
      ["copy copied from stdin", "error", null],
      ["select count(*)::int as n from copied", "ok", 1],
    ]);
    // The result of COPY TO is recorded like rows, capped.
    expect(rows[2]).toMatchObject({ resultRowCount: 1000, rowsTruncated: true });
    expect(rows[2].rows?.[0]).toEqual(["0\tnote 0\n"]);
  });

  it("passes a client's cancel request on: pg_sleep(30) upstream stops with 57014", async () => {
    const victim = await fx.connect({ application_name: "cancel-victim" });
    const query = new pg.Query("select pg_sleep(30)");
    const result = new Promise((resolve, reject) => {
      query.on("end", resolve);
      query.on("error", reject);
    });
    void victim.query(query as unknown as pg.QueryConfig);
    await eventually(async () => {
      const admin = new pg.Client({ connectionString: fx.targetAdminUrl });
      await admin.connect();
      try {
        const r = await admin.query("select 1 from pg_stat_activity where query = 'select pg_sleep(30)' and state = 'active'");
        return r.rowCount === 1;
      } finally {
        await admin.end();
      }
    });
    const canceller = new pg.Client(fx.clientConfig());
    (canceller as unknown as { cancel(c: pg.Client, q: pg.Query): void }).cancel(victim, query);
    await expect(result).rejects.toMatchObject({ code: "57014", message: "canceling statement due to user request" });
    expect((await victim.query("select 'usable' as s")).rows).toEqual([{ s: "usable" }]);
    await victim.end();
  });

  it("ignores a cancel request with a wrong key", async () => {
    const c = await fx.connect();
    const realKey = (c as unknown as { secretKey: number }).secretKey;
    (c as unknown as { secretKey: number }).secretKey = realKey ^ 0x5a5a;
    const slow = c.query("select pg_sleep(0.3) as slept");
    const canceller = new pg.Client(fx.clientConfig());
    const q = (c as unknown as { activeQuery: pg.Query }).activeQuery;
    (canceller as unknown as { cancel(c: pg.Client, q: pg.Query): void }).cancel(c, q);
    await expect(slow).resolves.toMatchObject({ rowCount: 1 });
    await c.end();
  });

  it("passes notices and LISTEN/NOTIFY notifications to the client", async () => {
    const listener = await fx.connect();
    const notices: string[] = [];
    listener.on("notice", (n) => notices.push(n.message ?? ""));
    await listener.query("do $$ begin raise notice 'hello from upstream'; end $$");
    expect(notices).toEqual(["hello from upstream"]);
    const got = new Promise<pg.Notification>((resolve) => listener.on("notification", resolve));
    await listener.query("listen jobs");
    const sender = await fx.connect();
    await sender.query("select pg_notify('jobs', 'job 42')");
    await expect(got).resolves.toMatchObject({ channel: "jobs", payload: "job 42" });
    await sender.end();
    await listener.end();
  });
});

describe("gateway: TLS", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture({ selfSignedTls: true });
  });
  afterAll(() => fx?.close());

  it("offers TLS with its self-signed certificate, verifiable by clients that trust it", async () => {
    const ca = fs.readFileSync(fx.gateway.tlsCertPath!, "utf8");
    const c = await fx.connect({ application_name: "tls-on", ssl: { ca, servername: "localhost" } });
    expect((c as unknown as { connection: { stream: unknown } }).connection.stream).toBeInstanceOf(tls.TLSSocket);
    expect((await c.query("select 40 + 2 as n")).rows).toEqual([{ n: 42 }]);
    await c.end();
    const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "tls-on"));
    expect(s.isTls).toBe(true);

    const viaPsql = await runTool("psql", ["-X", "-At", "-c", "select ssl from pg_stat_ssl where pid = pg_backend_pid()", fx.uri({ sslmode: "require" })], { env: { PGAPPNAME: "tls-psql" } });
    // The upstream leg is plain here (sslmode disable in the catalog); the client leg was TLS.
    expect(viaPsql).toMatchObject({ code: 0, stdout: "f\n" });
    const [p] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, "tls-psql"));
    expect(p.isTls).toBe(true);
  });

  it("still serves plain connections from loopback when the client does not ask for TLS", async () => {
    const c = await fx.connect({ application_name: "tls-off", ssl: false });
    expect((await c.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await c.end();
  });
});

describe("gateway: TLS off", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
  });
  afterAll(() => fx?.close());

  it("answers SSLRequest with N: sslmode=require fails, prefer falls back to plain", async () => {
    await expect(fx.connect({ ssl: { rejectUnauthorized: false } })).rejects.toThrow(/does not support SSL/);
    const required = await runTool("psql", ["-X", "-At", "-c", "select 1", fx.uri({ sslmode: "require" })]);
    expect(required.code).not.toBe(0);
    expect(required.stderr).toMatch(/server does not support SSL/);
    const preferred = await runTool("psql", ["-X", "-At", "-c", "select 1", fx.uri({ sslmode: "prefer" })]);
    expect(preferred).toMatchObject({ code: 0, stdout: "1\n" });
  });
});
