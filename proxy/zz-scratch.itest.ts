import { it } from "vitest";
import pg from "pg";
import { startGatewayFixture } from "./testing/gateway-fixture";

it("scratch timing", async () => {
  const fx = await startGatewayFixture({});
  const c = await fx.connect();
  await c.query("create table t (id int primary key, v text)");
  await c.query("insert into t select g, 'x' from generate_series(1,100) g");
  for (const mode of ["simple", "extended"]) {
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) {
      if (mode === "simple") await c.query(`select v from t where id = ${i % 100}`);
      else await c.query({ name: "q", text: "select v from t where id = $1", values: [i % 100] });
    }
    console.log(mode, ((performance.now() - t0) / 300).toFixed(3), "ms/stmt");
  }
  await c.end();
  const s = new pg.Client({ connectionString: fx.storeUrl });
  await s.connect();
  await s.query("create temp table x (id serial primary key, v int)");
  await s.query("create table y (id serial primary key, v int)");
  const time = async (label: string, f: (i: number) => Promise<unknown>) => {
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) await f(i);
    console.log(label, ((performance.now() - t0) / 300).toFixed(3), "ms/stmt");
  };
  await time("select 1", () => s.query("select 1"));
  await time("insert commit", (i) => s.query("insert into y (v) values ($1)", [i]));
  await time("insert commit sync off", async (i) => { await s.query("begin"); await s.query("set local synchronous_commit = off"); await s.query("insert into y (v) values ($1)", [i]); await s.query("commit"); });
  console.log((await s.query("show synchronous_commit")).rows, (await s.query("show fsync")).rows, (await s.query("select version()")).rows);
  const sid = (await s.query("select id from sessions limit 1")).rows[0].id;
  await time("update sessions", () => s.query("update sessions set statement_count = statement_count + 1 where id = $1", [sid]));
  await time("insert audit-like lock", () => s.query("select pg_advisory_xact_lock(1)"));
  await s.end();
  await fx.close();
}, 60000);
