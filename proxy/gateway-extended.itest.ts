import { asc, eq } from "drizzle-orm";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions, statements } from "@/drizzle/schema";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { RawClient, types } from "./testing/raw-client";

async function recordedStatements(fx: GatewayFixture, applicationName: string, count: number) {
  return eventually(async () => {
    const [s] = await fx.db.select().from(sessions).where(eq(sessions.applicationName, applicationName));
    if (!s) return undefined;
    const rows = await fx.db.select().from(statements).where(eq(statements.sessionId, s.id)).orderBy(asc(statements.seq));
    return rows.length >= count && rows.every((r) => r.status !== "running") ? rows : undefined;
  });
}

describe("gateway: extended protocol", () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture();
    const c = await fx.connect();
    await c.query("create table nums (n int primary key, label text); insert into nums select g, 'n' || g from generate_series(1, 10) g");
    await c.end();
  });
  afterAll(() => fx?.close());

  it("runs parameterized and named prepared statements from node-postgres and records their bound parameters", async () => {
    const c = await fx.connect({ application_name: "ext-pg" });
    const r = await c.query("select n, label from nums where n between $1 and $2 order by n", [3, 4]);
    expect(r.rows).toEqual([
      { n: 3, label: "n3" },
      { n: 4, label: "n4" },
    ]);
    for (const n of [5, 6]) {
      const p = await c.query({ name: "by_n", text: "select label from nums where n = $1", values: [n] });
      expect(p.rows).toEqual([{ label: `n${n}` }]);
    }
    await expect(c.query("selec $1", [1])).rejects.toMatchObject({ code: "42601" });
    expect((await c.query("select $1::text as t", ["still fine"])).rows).toEqual([{ t: "still fine" }]);
    await c.end();

    const rows = await recordedStatements(fx, "ext-pg", 5);
    expect(rows.map((s) => [s.protocol, s.sql, s.params?.map((p) => p.value), s.status])).toEqual([
      ["extended", "select n, label from nums where n between $1 and $2 order by n", ["3", "4"], "ok"],
      ["extended", "select label from nums where n = $1", ["5"], "ok"],
      ["extended", "select label from nums where n = $1", ["6"], "ok"],
      // The server refused the Parse (its syntax error is the client's): the Execute it skipped is recorded with that error.
      ["extended", "selec $1", ["1"], "error"],
      ["extended", "select $1::text as t", ["still fine"], "ok"],
    ]);
    expect(rows[0].rows).toEqual([
      ["3", "n3"],
      ["4", "n4"],
    ]);
    expect(rows[0].columns?.map((c) => c.name)).toEqual(["n", "label"]);
  });

  it("handles a pipeline of named and unnamed statements and portals, Describe, Close, Flush and row limits", async () => {
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, undefined, { application_name: "ext-raw" });
    client.send(
      serialize.parse({ name: "s1", text: "select n from nums where n <= $1 order by n", types: [23] }),
      serialize.describe({ type: "S", name: "s1" }),
      serialize.bind({ portal: "p1", statement: "s1", values: ["5"] }),
      serialize.describe({ type: "P", name: "p1" }),
      serialize.execute({ portal: "p1", rows: 2 }),
      serialize.flush(),
    );
    const first = await client.until((m) => m.type === "s");
    expect(types(first)).toBe("1tT2TDDs");
    client.send(serialize.execute({ portal: "p1", rows: 0 }), serialize.close({ type: "P", name: "p1" }), serialize.sync());
    const rest = await client.until((m) => m.type === "Z");
    expect(types(rest)).toBe("DDDC3Z");
    expect(rest[3].decoded).toMatchObject({ text: "SELECT 3" });

    // Unnamed statement and portal, two in one pipeline, the first failing (at Bind, where 1/0 is
    // folded): the second is skipped until Sync.
    client.send(
      serialize.parse({ text: "select 1/0" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.parse({ text: "select 2" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
      serialize.parse({ text: "select 3 as three" }),
      serialize.bind({}),
      serialize.describe({ type: "P" }),
      serialize.execute({}),
      serialize.sync(),
    );
    const piped = await client.readyCount(2);
    expect(types(piped)).toBe("1EZ12TDCZ");
    expect(piped[1].decoded).toMatchObject({ code: "22012" });
    client.send(serialize.close({ type: "S", name: "s1" }), serialize.sync(), serialize.end());
    expect(types(await client.until((m) => m.type === "Z"))).toBe("3Z");

    const rows = await recordedStatements(fx, "ext-raw", 4);
    expect(rows.map((s) => [s.sql, s.status, s.resultRowCount, s.commandTag])).toEqual([
      ["select n from nums where n <= $1 order by n", "ok", 5, "SELECT 3"],
      ["select 1/0", "error", 0, null],
      ["select 2", "skipped", 0, null],
      ["select 3 as three", "ok", 1, "SELECT 1"],
    ]);
    expect(rows[0].rows).toEqual([["1"], ["2"], ["3"], ["4"], ["5"]]);
    expect(rows[0].params).toEqual([{ format: "text", value: "5", typeOid: 23 }]);
  });

  it("runs several statements of one simple query string and records each", async () => {
    const { client } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token, undefined, { application_name: "multi" });
    client.send(serialize.query("select 1 as a; select 'x' as b, 2 as c; update nums set label = label where n = 1"));
    const out = await client.until((m) => m.type === "Z");
    expect(types(out)).toBe("TDCTDCCZ");
    client.send(serialize.query("select 1; select 1/0; select 3"));
    expect(types(await client.until((m) => m.type === "Z"))).toBe("TDCEZ");
    client.close();
    const rows = await recordedStatements(fx, "multi", 6);
    expect(rows.map((s) => [s.protocol, s.sql, s.status, s.commandTag])).toEqual([
      ["simple", "select 1 as a", "ok", "SELECT 1"],
      ["simple", "select 'x' as b, 2 as c", "ok", "SELECT 1"],
      ["simple", "update nums set label = label where n = 1", "ok", "UPDATE 1"],
      ["simple", "select 1", "ok", "SELECT 1"],
      ["simple", "select 1/0", "error", null],
      ["simple", "select 3", "skipped", null],
    ]);
  });
});
