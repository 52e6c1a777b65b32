import pg from "pg";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawClient, types, type RawMessage } from "./testing/raw-client";
import { runTool } from "./testing/run-tool";
import { settledStatements, startProbeFixture, type ProbeFixture } from "./testing/session-probes";

/**
 * The empty query (issue 9, item 2): a query string with no statement in it (empty, whitespace,
 * comments, lone semicolons) is answered with EmptyQueryResponse, through the simple and the
 * extended protocol, exactly as PostgreSQL answers it; it is recorded as one statement that ran
 * nothing. Every case runs through the gateway and straight against PostgreSQL.
 */

const EMPTY_TEXTS = ["", " ", "\n\t ", "-- only a comment", "/* a comment */", ";", " ; ;; "];

/** Message types and the fields that differ between servers left out (ParameterStatus, notices). */
const shape = (ms: readonly RawMessage[]) => types(ms.filter((m) => m.type !== "N" && m.type !== "S"));

describe("gateway: the empty query", () => {
  let p: ProbeFixture;
  let direct: RawClient;

  beforeAll(async () => {
    p = await startProbeFixture();
    direct = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
  });
  afterAll(async () => {
    direct?.close();
    await p?.close();
  });

  async function both(messages: Buffer[], app: string): Promise<{ through: RawMessage[]; straight: RawMessage[] }> {
    const g = await p.open(app);
    g.send(...messages);
    direct.send(...messages);
    const [through, straight] = await Promise.all([g.until((m) => m.type === "Z"), direct.until((m) => m.type === "Z")]);
    g.close();
    return { through, straight };
  }

  it.each(EMPTY_TEXTS.map((t) => [JSON.stringify(t), t]))("simple Query %s: EmptyQueryResponse, as directly, recorded as running nothing", async (label, text) => {
    const app = `empty-simple-${EMPTY_TEXTS.indexOf(text)}`;
    const { through, straight } = await both([serialize.query(text)], app);
    expect(shape(through)).toBe(shape(straight));
    expect(shape(through)).toBe("IZ");
    const [record] = await settledStatements(p.fx, app, 1);
    expect(record, label).toMatchObject({ protocol: "simple", sql: text, command: "EmptyQuery", status: "ok", commandTag: null, decision: "forward", errorCode: null });
  });

  it.each(EMPTY_TEXTS.map((t) => [JSON.stringify(t), t]))("extended Parse/Bind/Describe/Execute of %s: EmptyQueryResponse, as directly", async (label, text) => {
    const app = `empty-extended-${EMPTY_TEXTS.indexOf(text)}`;
    const { through, straight } = await both([serialize.parse({ text }), serialize.bind({}), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync()], app);
    expect(shape(through)).toBe(shape(straight));
    expect(shape(through)).toBe("12nIZ");
    const [record] = await settledStatements(p.fx, app, 1);
    expect(record, label).toMatchObject({ protocol: "extended", sql: text, command: "EmptyQuery", status: "ok", commandTag: null, decision: "forward" });
  });

  it("an empty query between statements of a pipeline: each answered in its place, nothing else disturbed", async () => {
    const messages = [
      serialize.query("select 1"),
      serialize.query(""),
      serialize.parse({ name: "s", text: "" }),
      serialize.bind({ statement: "s" }),
      serialize.execute({}),
      serialize.parse({ text: "select 2" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
      serialize.query("-- nothing"),
    ];
    const g = await p.open("empty-pipeline");
    const run = async (c: RawClient) => {
      c.send(...messages);
      return c.readyCount(4);
    };
    const [through, straight] = await Promise.all([run(g), run(direct)]);
    expect(shape(through)).toBe(shape(straight));
    expect(shape(through)).toBe("TDCZIZ12I12DCZIZ");
    const records = await settledStatements(p.fx, "empty-pipeline", 5);
    expect(records.map((r) => [r.protocol, r.sql, r.status])).toEqual([
      ["simple", "select 1", "ok"],
      ["simple", "", "ok"],
      ["extended", "", "ok"],
      ["extended", "select 2", "ok"],
      ["simple", "-- nothing", "ok"],
    ]);
  });

  it("node-postgres: an empty query resolves with no command and no rows, through the gateway as directly", async () => {
    const c = await p.fx.connect({ application_name: "empty-pg" });
    const d = new pg.Client({ connectionString: p.fx.targetAdminUrl });
    await d.connect();
    try {
      for (const text of ["", "  ", "-- c"]) {
        const [through, straight] = await Promise.all([c.query(text), d.query(text)]);
        expect({ command: through.command, rows: through.rows }).toEqual({ command: straight.command, rows: straight.rows });
      }
      // Extended protocol (a parameterless prepared statement is still sent as Parse/Bind/Execute).
      const [through, straight] = await Promise.all([c.query({ name: "empty", text: "" }), d.query({ name: "empty", text: "" })]);
      expect(through.rows).toEqual(straight.rows);
      expect((await c.query("select 'after' as t")).rows).toEqual([{ t: "after" }]);
    } finally {
      await c.end();
      await d.end();
    }
  });

  it("psql: an empty -c and a comment-only script run without error, as directly", async () => {
    const psql = (uri: string) => runTool("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-At", uri, "-c", "", "-c", "-- only a comment", "-c", "select 'done'"]);
    const [through, straight] = await Promise.all([psql(p.fx.uri()), psql(p.fx.targetAdminUrl)]);
    expect(through).toEqual(straight);
    expect(through).toMatchObject({ code: 0, stdout: "done\n", stderr: "" });
  });
});
