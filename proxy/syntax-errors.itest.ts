import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RawClient, rowOf, sqlStateOf, types, type RawMessage } from "./testing/raw-client";
import { runTool } from "./testing/run-tool";
import { countRows, settledStatements, startProbeFixture, type ProbeFixture } from "./testing/session-probes";

/**
 * Syntax errors come from PostgreSQL (issue 9, item 3): for text the gateway's parser cannot parse,
 * the client gets the server's own ErrorResponse (message, SQLSTATE, position, hint: psql's `LINE 1:`
 * and caret), byte for byte as directly, in its place in the stream, with PostgreSQL's transaction
 * semantics; nothing runs; the record shows the server's error. Every case runs through the gateway
 * and straight against the same PostgreSQL, and the answers are compared.
 */

/** Text libpg-query refuses, with what PostgreSQL says about it. */
const BROKEN = [
  { sql: "selec 1", position: "1" },
  { sql: "select 1 +", position: "11" },
  { sql: "select 'unterminated", position: "8" },
  { sql: "select $$ no end", position: "8" },
  // Several statements, one broken: PostgreSQL parses the whole string first, so the position counts from its start.
  { sql: "select 1; selec 2; select 3", position: "11" },
  // A raw-parser error with a hint.
  { sql: "select 1 limit 1, 2", position: "10", hint: "Use separate LIMIT and OFFSET clauses." },
  // Multibyte text before the error: the position is in characters.
  { sql: "select 'héllo wörld' frm t", position: "26" },
] as const;

/** Messages of one exchange without the ones servers send at any time. */
const exchange = (ms: readonly RawMessage[]) => ms.filter((m) => m.type !== "N" && m.type !== "S");
const errorOf = (ms: readonly RawMessage[]) => ms.find((m) => m.type === "E");

describe("gateway: syntax errors come from PostgreSQL", () => {
  let p: ProbeFixture;
  let direct: RawClient;

  beforeAll(async () => {
    p = await startProbeFixture();
    direct = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
  });
  beforeEach(async () => {
    // No key: the gateway's session and the direct one insert the same rows.
    await p.target.query(`drop table if exists landed; create table landed (id int, v text); alter table landed owner to ${p.fx.targetRole}`);
  });
  afterAll(async () => {
    direct?.close();
    await p?.close();
  });

  /** Sends the same messages through the gateway and directly; returns both answers up to the `ready`-th ReadyForQuery. */
  async function both(app: string, messages: Buffer[], ready = 1) {
    const g = await p.open(app);
    g.send(...messages);
    direct.send(...messages);
    const [through, straight] = await Promise.all([g.readyCount(ready), direct.readyCount(ready)]);
    return { g, through: exchange(through), straight: exchange(straight) };
  }

  it.each(BROKEN.map((b, i) => [b.sql, i, b]))("simple Query %j: PostgreSQL's own error, byte for byte, recorded with it", async (_sql, i, b) => {
    const app = `syntax-simple-${i}`;
    const { g, through, straight } = await both(app, [serialize.query(b.sql)]);
    expect(types(through)).toBe(types(straight));
    expect(types(through)).toBe("EZ");
    expect(errorOf(through)!.frame.equals(errorOf(straight)!.frame)).toBe(true);
    expect(errorOf(through)!.decoded).toMatchObject({ code: "42601", position: b.position, ...("hint" in b ? { hint: b.hint } : {}) });
    // The session goes on.
    g.send(serialize.query("select 'next'"));
    expect(rowOf((await g.until((m) => m.type === "Z"))[1])).toEqual(["next"]);
    const [record] = await settledStatements(p.fx, app, 2);
    expect(record).toMatchObject({ protocol: "simple", sql: b.sql, status: "error", decision: "block", errorCode: "42601", errorMessage: String(errorOf(straight)!.decoded?.message) });
    expect(record.parseError).toEqual(expect.any(String));
    expect(record.decisionReason).toMatch(/PostgreSQL's parser refused it as well/);
  });

  it("a broken statement among others in one string: nothing of the string runs, as directly", async () => {
    const sql = "insert into landed values (1, 'a'); selec; insert into landed values (2, 'b')";
    const { through, straight } = await both("syntax-multi-write", [serialize.query(sql)]);
    expect(errorOf(through)!.frame.equals(errorOf(straight)!.frame)).toBe(true);
    expect(errorOf(through)!.decoded).toMatchObject({ code: "42601", position: "37" });
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("in a transaction: the syntax error aborts it, as directly; the COMMIT rolls back, and an earlier write is gone", async () => {
    const app = "syntax-in-transaction";
    const messages = ["begin", "insert into landed values (1, 'a')", "selec", "select 1", "commit"].map((q) => serialize.query(q));
    const { through, straight } = await both(app, messages, 5);
    expect(types(through)).toBe(types(straight));
    expect(through.filter((m) => m.type === "E").map(sqlStateOf)).toEqual(["42601", "25P02"]);
    expect(through.filter((m) => m.type === "Z").map((m) => String.fromCharCode(m.frame[5]))).toEqual(["T", "T", "E", "E", "I"]);
    expect(through.filter((m) => m.type === "C").map((m) => m.decoded?.text)).toEqual(["BEGIN", "INSERT 0 1", "ROLLBACK"]);
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("pipelined simple Queries around a broken one: each answered in its place, the others run, as directly", async () => {
    const messages = [serialize.query("insert into landed values (1, 'a')"), serialize.query("selec"), serialize.query("insert into landed values (2, 'b')")];
    const { through, straight } = await both("syntax-pipelined", messages, 3);
    expect(types(through)).toBe(types(straight));
    expect(types(through)).toBe("CZEZCZ");
    // Two rows from each session.
    expect(await countRows(p, "landed")).toBe(4);
    const records = await settledStatements(p.fx, "syntax-pipelined", 3);
    expect(records.map((r) => [r.sql, r.status])).toEqual([
      ["insert into landed values (1, 'a')", "ok"],
      ["selec", "error"],
      ["insert into landed values (2, 'b')", "ok"],
    ]);
  });

  it("a broken Query after unsynced extended messages aborts their implicit transaction, as directly", async () => {
    const messages = [serialize.parse({ text: "insert into landed values (1, 'a')" }), serialize.bind({}), serialize.execute({}), serialize.query("selec"), serialize.sync()];
    const { through, straight } = await both("syntax-after-extended", messages, 2);
    expect(types(through)).toBe(types(straight));
    expect(types(through)).toBe("12CEZZ");
    expect(errorOf(through)!.frame.equals(errorOf(straight)!.frame)).toBe(true);
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("a broken Query drops the unnamed statement, as directly (a later Bind of it fails)", async () => {
    const messages = [serialize.parse({ text: "select 'old'" }), serialize.sync(), serialize.query("selec"), serialize.bind({}), serialize.execute({}), serialize.sync()];
    const { through, straight } = await both("syntax-drops-unnamed", messages, 3);
    expect(types(through)).toBe(types(straight));
    expect(types(through)).toBe("1ZEZEZ");
    expect(through.filter((m) => m.type === "E").map(sqlStateOf)).toEqual(["42601", "26000"]);
  });

  it("an invalid byte sequence in broken text: the server's encoding error, as directly", async () => {
    const text = Buffer.concat([Buffer.from("selec 'a"), Buffer.from([0xff, 0xfe]), Buffer.from("'")]);
    const frame = queryOfBytes(text);
    const { through, straight } = await both("syntax-bad-bytes", [frame]);
    expect(types(through)).toBe("EZ");
    expect(errorOf(through)!.frame.equals(errorOf(straight)!.frame)).toBe(true);
    expect(sqlStateOf(errorOf(through))).toBe("22021");
  });

  it("extended protocol: a Parse of broken text gets the server's error at the Parse's place; the Execute is recorded with it", async () => {
    const app = "syntax-extended";
    const messages = [serialize.parse({ name: "s", text: "selec $1" }), serialize.bind({ statement: "s", values: ["1"] }), serialize.execute({}), serialize.sync()];
    const { g, through, straight } = await both(app, messages);
    expect(types(through)).toBe(types(straight));
    expect(types(through)).toBe("EZ");
    expect(errorOf(through)!.frame.equals(errorOf(straight)!.frame)).toBe(true);
    // The name was never defined.
    g.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    expect(sqlStateOf(errorOf(await g.until((m) => m.type === "Z")))).toBe("26000");
    const [record] = await settledStatements(p.fx, app, 1);
    expect(record).toMatchObject({ protocol: "extended", sql: "selec $1", status: "error", errorCode: "42601", errorMessage: String(errorOf(straight)!.decoded?.message) });
  });

  it("node-postgres: the error's fields equal PostgreSQL's, simple and extended, and the session goes on", async () => {
    const c = await p.fx.connect({ application_name: "syntax-pg" });
    const d = new pg.Client({ connectionString: p.fx.targetAdminUrl });
    await d.connect();
    const fields = (e: unknown) => {
      const { code, message, position, hint, severity } = e as Record<string, unknown>;
      return { code, message, position, hint, severity };
    };
    try {
      for (const q of [{ text: "selec 1" }, { text: "select 1 limit 1, 2" }, { text: "selec $1", values: [1] }, { text: "select $1 frm x", values: ["a"] }]) {
        const [through, straight] = await Promise.all([c.query(q as pg.QueryConfig).then(() => null, fields), d.query(q as pg.QueryConfig).then(() => null, fields)]);
        expect(through, q.text).toEqual(straight);
        expect(through, q.text).toMatchObject({ code: "42601", position: expect.any(String) });
      }
      expect((await c.query("select 'usable' as t")).rows).toEqual([{ t: "usable" }]);
    } finally {
      await c.end();
      await d.end();
    }
  });

  it("psql: `LINE 1:` and the caret, the same as directly, for -c and for a script", async () => {
    const psql = (uri: string, args: string[], input?: string) => runTool("psql", ["-X", "-At", uri, ...args], { input });
    for (const [args, input] of [
      [["-c", "selec 1"], undefined],
      [["-c", "select 1 limit 1, 2"], undefined],
      [["-v", "VERBOSITY=verbose", "-c", "select 'héllo' frm t"], undefined],
      [[], "select 1;\nselect 2 +;\nselect 3;\n"],
    ] as const) {
      const [through, straight] = await Promise.all([psql(p.fx.uri(), [...args], input), psql(p.fx.targetAdminUrl, [...args], input)]);
      expect(through).toEqual(straight);
      expect(through.stderr).toMatch(/ERROR: {2}(42601: )?.*\nLINE 1: .*\n +\^\n/);
    }
  });
});

/** A Query message of raw bytes (serialize.query would encode a string as UTF-8). */
function queryOfBytes(text: Buffer): Buffer {
  const out = Buffer.alloc(1 + 4 + text.length + 1);
  out[0] = 0x51;
  out.writeInt32BE(4 + text.length + 1, 1);
  text.copy(out, 5);
  return out;
}
