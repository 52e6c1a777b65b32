import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDataRow } from "./protocol/backend-decoders";
import { RawClient, rowOf, sqlStateOf, types } from "./testing/raw-client";
import { settledStatements, startProbeFixture, type ProbeFixture } from "./testing/session-probes";

/**
 * Protocol limits as PostgreSQL's (issue 9, item 7): Parse and Bind counts are unsigned 16-bit, so a
 * statement may have 65,535 parameters, each with its format, and a Bind may name 65,535 result
 * formats. Each case runs through the gateway and straight against PostgreSQL, and must answer alike.
 */

const MAX_PARAMS = 65_535;

/** `$1, $2, ..., $n` */
function placeholders(n: number, each: (i: number) => string = (i) => `$${i}`): string {
  return Array.from({ length: n }, (_, k) => each(k + 1)).join(",");
}

describe("gateway: protocol limits like PostgreSQL's", () => {
  let p: ProbeFixture;
  let direct: pg.Client;

  beforeAll(async () => {
    p = await startProbeFixture();
    await p.target.query(`create table many (n int not null); alter table many owner to ${p.fx.targetRole}`);
    direct = new pg.Client({ connectionString: p.fx.targetAdminUrl });
    await direct.connect();
  });
  afterAll(async () => {
    await direct?.end();
    await p?.close();
  });

  it.each([32_767, 32_768, MAX_PARAMS])("node-postgres: a SELECT with %i parameters answers as directly", async (n) => {
    const sql = `select cardinality(array[${placeholders(n, (i) => `$${i}::int`)}]) as n, ($${n}::int) as last`;
    const values = Array.from({ length: n }, (_, i) => i + 1);
    const c = await p.fx.connect({ application_name: `params-${n}` });
    try {
      const through = await c.query(sql, values);
      const straight = await direct.query(sql, values);
      expect(through.rows).toEqual(straight.rows);
      expect(through.rows).toEqual([{ n, last: n }]);
    } finally {
      await c.end();
    }
    const [record] = await settledStatements(p.fx, `params-${n}`, 1);
    expect(record).toMatchObject({ status: "ok", protocol: "extended" });
    expect(record.params).toHaveLength(n);
    expect(record.params?.at(-1)).toMatchObject({ value: String(n) });
  });

  it("node-postgres: an INSERT of 65,535 rows, one parameter each, lands every row", async () => {
    const sql = `insert into many (n) values ${placeholders(MAX_PARAMS, (i) => `($${i})`)}`;
    const values = Array.from({ length: MAX_PARAMS }, (_, i) => i);
    const c = await p.fx.connect({ application_name: "params-insert" });
    try {
      const r = await c.query(sql, values);
      expect(r.rowCount).toBe(MAX_PARAMS);
    } finally {
      await c.end();
    }
    const landed = await p.target.query("select count(*)::int as rows, sum(n)::bigint as total from many");
    expect(landed.rows[0]).toEqual({ rows: MAX_PARAMS, total: String((MAX_PARAMS * (MAX_PARAMS - 1)) / 2) });
    const [record] = await settledStatements(p.fx, "params-insert", 1);
    expect(record).toMatchObject({ status: "ok", commandTag: `INSERT 0 ${MAX_PARAMS}`, rowCount: MAX_PARAMS });
  });

  it("raw protocol: Parse with 65,535 parameter types, Bind with as many binary formats and result formats, as directly", async () => {
    const n = MAX_PARAMS;
    const sql = `select ${placeholders(3)}, cardinality(array[${placeholders(n)}])`;
    const int4 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(v);
      return b;
    };
    const messages = [
      serialize.parse({ text: sql, types: Array.from({ length: n }, () => 23) }),
      // pg-protocol writes one format per Buffer value (binary); the result formats are rewritten.
      withResultFormats(serialize.bind({ values: Array.from({ length: n }, (_, i) => int4(i)) }), 4),
      serialize.execute({}),
      serialize.sync(),
    ];
    const answer = async (c: RawClient) => {
      c.send(...messages);
      return c.until((m) => m.type === "Z");
    };
    const g = await p.open("params-raw");
    const d = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
    try {
      const [through, straight] = await Promise.all([answer(g), answer(d)]);
      expect(types(through)).toBe(types(straight));
      expect(types(through)).toBe("12DCZ");
      // Four binary result columns: 0, 1, 2 and the array's cardinality.
      const values = decodeDataRow(through[2].frame).map((b) => b!.readInt32BE(0));
      expect(values).toEqual([0, 1, 2, n]);
      expect(through[2].frame.equals(straight[2].frame)).toBe(true);
    } finally {
      d.close();
    }
    const [record] = await settledStatements(p.fx, "params-raw", 1);
    expect(record).toMatchObject({ status: "ok" });
    expect(record.params).toHaveLength(n);
    expect(record.params?.[1]).toMatchObject({ format: "binary", typeOid: 23, value: int4(1).toString("base64") });
  });

  it("a Bind whose counts disagree with the statement is answered by the server, as directly", async () => {
    const messages = [serialize.parse({ text: "select $1::int" }), serialize.bind({ values: ["1", "2"] }), serialize.execute({}), serialize.sync()];
    const g = await p.open("params-mismatch");
    const d = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
    try {
      g.send(...messages);
      d.send(...messages);
      const [through, straight] = await Promise.all([g.until((m) => m.type === "Z"), d.until((m) => m.type === "Z")]);
      expect(types(through)).toBe(types(straight));
      expect(sqlStateOf(through[1])).toBe(sqlStateOf(straight[1]));
      expect(sqlStateOf(through[1])).toBe("08P01");
      g.send(serialize.query("select 'still usable'"));
      expect(rowOf((await g.until((m) => m.type === "Z"))[1])).toEqual(["still usable"]);
    } finally {
      d.close();
    }
  });
});

/** Replaces a Bind frame's result formats (pg-protocol writes one: text) with `n` binary ones. */
function withResultFormats(bind: Buffer, n: number): Buffer {
  // The frame ends with Int16 count 1 and Int16 format 0.
  const head = bind.subarray(0, bind.length - 4);
  const tail = Buffer.alloc(2 + 2 * n);
  tail.writeUInt16BE(n, 0);
  for (let i = 0; i < n; i++) tail.writeInt16BE(1, 2 + 2 * i);
  const out = Buffer.concat([head, tail]);
  out.writeInt32BE(out.length - 1, 1);
  return out;
}
