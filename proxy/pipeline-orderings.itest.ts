import { eq } from "drizzle-orm";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { statements, type ApprovalRequest, type Statement } from "@/drizzle/schema";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { commandTagOf, rowOf, sqlStateOf, types, type RawClient, type RawMessage } from "./testing/raw-client";
import { awaitHold, countRows, createOwnedTable, ranTag, REVIEWER, settledStatements, simpleQuery, startProbeFixture, untilReady, type ProbeFixture } from "./testing/session-probes";

/**
 * Issue 8, item 1: every ordering the extended protocol allows keeps the gateway's view of
 * statements and portals, its replies and its records right: errors in the middle of a pipeline,
 * Flush without Sync, suspended portals, Close and re-Parse, Describe, SQL DEALLOCATE / DISCARD ALL,
 * the unnamed statement. Where a wrong view would let a DELETE through, an agent (every write held)
 * does the attacking.
 */

const DELETE_ALL = "delete from victims";

/** Types with ErrorResponses shown as their SQLSTATE, for compact assertions. */
const shape = (ms: RawMessage[]) => ms.map((m) => (m.type === "E" ? `E${sqlStateOf(m)}` : m.type));

function run(sql: string, opts: { name?: string; portal?: string; rows?: number; values?: string[] } = {}): Buffer[] {
  return [
    serialize.parse({ name: opts.name ?? "", text: sql }),
    serialize.bind({ statement: opts.name ?? "", portal: opts.portal ?? "", values: opts.values ?? [] }),
    serialize.execute({ portal: opts.portal ?? "", rows: opts.rows ?? 0 }),
  ];
}

const summary = (rows: Statement[]) => rows.map((r) => [r.sql, r.status]);

async function tags(p: ProbeFixture): Promise<string[]> {
  return (await p.target.query("select tag from log order by tag")).rows.map((r) => r.tag);
}

async function rejectHeld(p: ProbeFixture, c: RawClient, app: string): Promise<ApprovalRequest> {
  const request = await awaitHold(p, c, app, /delete from victims/i);
  await decideApproval(p.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "not by an agent" });
  const answer = await untilReady(c);
  expect(ranTag(answer, "DELETE")).toBeUndefined();
  expect(answer.filter((m) => m.type === "E").map(sqlStateOf)).toEqual(["42501"]);
  return request;
}

describe("pipelines in every order the protocol allows", () => {
  let p: ProbeFixture;
  const agent = (app: string) => p.open(app, p.agentToken);

  beforeAll(async () => {
    p = await startProbeFixture();
  });
  beforeEach(async () => {
    await createOwnedTable(p, "victims");
    await p.target.query(`drop table if exists log; create table log (tag text not null); alter table log owner to ${p.fx.targetRole}`);
  });
  afterAll(() => p?.close());

  it("an error in the middle of a pipeline: the rest is skipped until Sync and recorded as skipped; what follows the Sync runs", async () => {
    const c = await p.open("mid-error");
    c.send(
      ...run("insert into log values ('a')"),
      // Fails while executing, after two rows have been sent.
      ...run("select 1/(g-3) from generate_series(1, 5) g"),
      ...run("insert into log values ('b')"),
      serialize.sync(),
      ...run("insert into log values ('c')"),
      serialize.sync(),
    );
    const first = await untilReady(c);
    expect(shape(first)).toEqual(["1", "2", "C", "1", "2", "D", "D", "E22012", "Z"]);
    expect(types(await untilReady(c))).toBe("12CZ");
    // The implicit transaction of the first pipeline rolled back: 'a' is gone, 'b' never ran.
    expect(await tags(p)).toEqual(["c"]);
    const rows = await settledStatements(p.fx, "mid-error", 4);
    expect(summary(rows)).toEqual([
      ["insert into log values ('a')", "ok"],
      ["select 1/(g-3) from generate_series(1, 5) g", "error"],
      ["insert into log values ('b')", "skipped"],
      ["insert into log values ('c')", "ok"],
    ]);
    expect(rows[1]).toMatchObject({ errorCode: "22012", resultRowCount: 2 });
  });

  it("a Parse that fails skips a named Parse after it: the name does not exist afterwards, and binding it is refused", async () => {
    const c = await p.open("parse-error-skips");
    c.send(serialize.parse({ text: "selec 1" }), serialize.parse({ name: "later", text: "select 'later'" }), serialize.sync());
    expect(shape(await untilReady(c))).toEqual(["E42601", "Z"]);
    c.send(serialize.bind({ statement: "later" }), serialize.execute({}), serialize.sync());
    expect(types(await untilReady(c))).toBe("EZ");
    c.send(serialize.parse({ name: "later", text: "select 'now'" }), serialize.bind({ statement: "later" }), serialize.execute({}), serialize.sync());
    const now = await untilReady(c);
    expect(types(now)).toBe("12DCZ");
    expect(rowOf(now[2])).toEqual(["now"]);
  });

  it("a Close skipped after an error does not forget the statement: the DELETE under that name is still judged as the DELETE", async () => {
    const c = await agent("skipped-close");
    c.send(serialize.parse({ name: "s", text: DELETE_ALL }), serialize.sync());
    expect(types(await untilReady(c))).toBe("1Z");
    // 1/0 fails at Bind; the Close after it is skipped by the server: s still exists.
    c.send(...run("select 1/0"), serialize.close({ type: "S", name: "s" }), serialize.sync());
    expect(shape(await untilReady(c))).toEqual(["1", "E22012", "Z"]);
    c.send(serialize.parse({ name: "s", text: "select 1" }), serialize.sync());
    expect(shape(await untilReady(c))).toEqual(["E42P05", "Z"]);
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    const request = await rejectHeld(p, c, "skipped-close");
    expect(request.sql).toBe(DELETE_ALL);
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("a Close and re-Parse skipped after a failed Parse in the same pipeline leave the DELETE in place", async () => {
    const c = await agent("skipped-reparse");
    c.send(serialize.parse({ name: "s", text: DELETE_ALL }), serialize.sync());
    expect(types(await untilReady(c))).toBe("1Z");
    c.send(serialize.parse({ text: "selec" }), serialize.close({ type: "S", name: "s" }), serialize.parse({ name: "s", text: "select 1" }), serialize.sync());
    expect(shape(await untilReady(c))).toEqual(["E42601", "Z"]);
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    const request = await rejectHeld(p, c, "skipped-reparse");
    expect(request.sql).toBe(DELETE_ALL);
    const [row] = await p.fx.db.select().from(statements).where(eq(statements.id, request.statementId!));
    expect(row.sql).toBe(DELETE_ALL);
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("Flush without Sync: replies arrive at once, the statement state is right, and a later Sync ends the pipeline", async () => {
    const c = await p.open("flush");
    c.send(serialize.parse({ name: "s1", text: "select g from generate_series(1, 2) g" }), serialize.describe({ type: "S", name: "s1" }), serialize.bind({ portal: "p1", statement: "s1" }), serialize.execute({ portal: "p1" }), serialize.flush());
    const first = await c.until((m) => m.type === "C");
    expect(types(first)).toBe("1tT2DDC");
    c.send(...run("insert into log values ('flushed')"), serialize.flush());
    expect(types(await c.until((m) => m.type === "C"))).toBe("12C");
    c.send(serialize.bind({ portal: "p2", statement: "s1" }), serialize.execute({ portal: "p2" }), serialize.flush());
    expect(types(await c.until((m) => m.type === "C"))).toBe("2DDC");
    expect(c.peek()).toEqual([]);
    c.send(serialize.sync());
    expect(types(await untilReady(c))).toBe("Z");
    expect(await tags(p)).toEqual(["flushed"]);
    const rows = await settledStatements(p.fx, "flush", 3);
    expect(rows.map((r) => [r.sql, r.status, r.commandTag, r.rows])).toEqual([
      ["select g from generate_series(1, 2) g", "ok", "SELECT 2", [["1"], ["2"]]],
      ["insert into log values ('flushed')", "ok", "INSERT 0 1", null],
      ["select g from generate_series(1, 2) g", "ok", "SELECT 2", [["1"], ["2"]]],
    ]);
  });

  it("a suspended portal fetched in three steps (2 rows, 2 rows, the rest) is one statement with all its rows", async () => {
    const c = await p.open("suspended-thrice");
    c.send(
      serialize.parse({ text: "select g from generate_series(1, 5) g" }),
      serialize.bind({ portal: "cur" }),
      serialize.describe({ type: "P", name: "cur" }),
      serialize.execute({ portal: "cur", rows: 2 }),
      serialize.flush(),
    );
    expect(types(await c.until((m) => m.type === "s"))).toBe("12TDDs");
    c.send(serialize.execute({ portal: "cur", rows: 2 }), serialize.flush());
    expect(types(await c.until((m) => m.type === "s"))).toBe("DDs");
    c.send(serialize.execute({ portal: "cur", rows: 0 }), serialize.sync());
    const rest = await untilReady(c);
    expect(types(rest)).toBe("DCZ");
    const rows = await settledStatements(p.fx, "suspended-thrice", 1, 10_000, ["running", "suspended"]);
    expect(rows.map((r) => [r.sql, r.status, r.resultRowCount, r.rows])).toEqual([["select g from generate_series(1, 5) g", "ok", 5, [["1"], ["2"], ["3"], ["4"], ["5"]]]]);
  });

  it("suspended portals: Execute with a row limit, continued, interleaved with another portal, each completing as one statement with its own rows", async () => {
    const c = await p.open("suspended");
    c.send(
      serialize.parse({ name: "five", text: "select g from generate_series(1, 5) g" }),
      serialize.parse({ name: "three", text: "select g * 10 from generate_series(1, 3) g" }),
      serialize.bind({ portal: "a", statement: "five" }),
      serialize.bind({ portal: "b", statement: "three" }),
      serialize.describe({ type: "P", name: "a" }),
      serialize.describe({ type: "P", name: "b" }),
      serialize.execute({ portal: "a", rows: 2 }),
      serialize.execute({ portal: "b", rows: 2 }),
      serialize.flush(),
    );
    const first = await c.untilCount((m) => m.type === "s", 2);
    expect(types(first)).toBe("1122TTDDsDDs");
    c.send(serialize.execute({ portal: "a", rows: 2 }), serialize.execute({ portal: "b", rows: 0 }), serialize.execute({ portal: "a", rows: 0 }), serialize.sync());
    const rest = await untilReady(c);
    expect(types(rest)).toBe("DDsDCDCZ");
    expect(rest.filter((m) => m.type === "D").map((m) => rowOf(m)[0])).toEqual(["3", "4", "30", "5"]);
    const rows = await settledStatements(p.fx, "suspended", 2, 10_000, ["running", "suspended"]);
    expect(rows.map((r) => [r.sql, r.status, r.resultRowCount, r.rows])).toEqual([
      ["select g from generate_series(1, 5) g", "ok", 5, [["1"], ["2"], ["3"], ["4"], ["5"]]],
      ["select g * 10 from generate_series(1, 3) g", "ok", 3, [["10"], ["20"], ["30"]]],
    ]);
  });

  it("Close then re-Parse of the same name in one pipeline: each Execute runs, and is recorded as, the SQL current at its turn", async () => {
    const c = await p.open("close-reparse");
    c.send(
      ...run("select 'first'", { name: "s" }),
      serialize.close({ type: "S", name: "s" }),
      ...run("select 'second'", { name: "s" }),
      serialize.close({ type: "S", name: "s" }),
      ...run("insert into log values ('third')", { name: "s" }),
      serialize.sync(),
    );
    const answer = await untilReady(c);
    expect(types(answer)).toBe("12DC312DC312CZ");
    expect(answer.filter((m) => m.type === "D").map((m) => rowOf(m)[0])).toEqual(["first", "second"]);
    const rows = await settledStatements(p.fx, "close-reparse", 3);
    expect(summary(rows)).toEqual([
      ["select 'first'", "ok"],
      ["select 'second'", "ok"],
      ["insert into log values ('third')", "ok"],
    ]);
  });

  it("Describe of statements and portals answers in order and gives the record its columns", async () => {
    const c = await p.open("describe");
    c.send(
      serialize.parse({ name: "s", text: "select $1::int as n, 'x'::text as t" }),
      serialize.describe({ type: "S", name: "s" }),
      serialize.parse({ name: "w", text: "insert into log values ($1)" }),
      serialize.describe({ type: "S", name: "w" }),
      serialize.bind({ portal: "p", statement: "s", values: ["5"] }),
      serialize.describe({ type: "P", name: "p" }),
      serialize.execute({ portal: "p" }),
      serialize.bind({ portal: "q", statement: "w", values: ["described"] }),
      serialize.describe({ type: "P", name: "q" }),
      serialize.execute({ portal: "q" }),
      serialize.sync(),
    );
    const answer = await untilReady(c);
    expect(types(answer)).toBe("1tT1tn2TDC2nCZ");
    const rows = await settledStatements(p.fx, "describe", 2);
    expect(rows[0]).toMatchObject({ sql: "select $1::int as n, 'x'::text as t", status: "ok", rows: [["5", "x"]], params: [{ value: "5" }] });
    expect(rows[0].columns?.map((col) => col.name)).toEqual(["n", "t"]);
    expect(rows[1]).toMatchObject({ sql: "insert into log values ($1)", status: "ok", commandTag: "INSERT 0 1", params: [{ value: "described" }] });
    expect(await tags(p)).toEqual(["described"]);
  });

  it("SQL DEALLOCATE forgets a protocol statement: a Bind of it is refused, and a SQL PREPARE of the same name as a DELETE is judged as the DELETE", async () => {
    const c = await agent("deallocate");
    c.send(serialize.parse({ name: "s", text: "select 1" }), serialize.sync());
    expect(types(await untilReady(c))).toBe("1Z");
    expect(types(await simpleQuery(c, "deallocate s"))).toBe("CZ");
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    expect(types(await untilReady(c))).toBe("EZ");
    expect(types(await simpleQuery(c, "prepare s as delete from victims"))).toBe("CZ");
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    await rejectHeld(p, c, "deallocate");
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("DISCARD ALL forgets every name: a Bind of one is refused, and a SQL PREPARE of that name as a DELETE is judged as the DELETE", async () => {
    const c = await agent("discard-all");
    c.send(serialize.parse({ name: "s", text: "select 1" }), serialize.parse({ name: "t", text: "select 2" }), serialize.sync());
    expect(types(await untilReady(c))).toBe("11Z");
    expect(types(await simpleQuery(c, "discard all"))).toBe("CZ");
    c.send(serialize.bind({ statement: "t" }), serialize.execute({}), serialize.sync());
    expect(types(await untilReady(c))).toBe("EZ");
    expect(types(await simpleQuery(c, "prepare s as delete from victims"))).toBe("CZ");
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    await rejectHeld(p, c, "discard-all");
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("the unnamed statement, re-Parsed in one pipeline: each Execute is recorded as the SQL it ran", async () => {
    const c = await p.open("unnamed");
    c.send(...run("select 'a'"), ...run("insert into log values ('b')"), ...run("select 'c'"), serialize.sync());
    expect(types(await untilReady(c))).toBe("12DC12C12DCZ");
    const rows = await settledStatements(p.fx, "unnamed", 3);
    expect(summary(rows)).toEqual([
      ["select 'a'", "ok"],
      ["insert into log values ('b')", "ok"],
      ["select 'c'", "ok"],
    ]);
  });

  it("a failed Parse of the unnamed statement drops the old one: a Bind of it is refused and the old DELETE is neither run nor held", async () => {
    const c = await agent("unnamed-failed");
    c.send(serialize.parse({ text: DELETE_ALL }), serialize.sync());
    expect(types(await untilReady(c))).toBe("1Z");
    c.send(serialize.parse({ text: "select * from no_such_table" }), serialize.sync());
    expect(shape(await untilReady(c))).toEqual(["E42P01", "Z"]);
    c.send(serialize.bind({}), serialize.execute({}), serialize.sync());
    const answer = await untilReady(c);
    expect(types(answer)).toBe("EZ");
    expect(ranTag(answer, "DELETE")).toBeUndefined();
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("a simple Query drops the unnamed statement: a Bind of it afterwards is refused at once, the old DELETE neither run nor held", async () => {
    const c = await agent("unnamed-after-query");
    c.send(serialize.parse({ text: DELETE_ALL }), serialize.sync());
    expect(types(await untilReady(c))).toBe("1Z");
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    c.send(serialize.bind({}), serialize.execute({}), serialize.sync());
    const answer = await untilReady(c, 5_000);
    expect(types(answer)).toBe("EZ");
    expect(ranTag(answer, "DELETE")).toBeUndefined();
    expect(await countRows(p, "victims")).toBe(3);
    expect(commandTagOf((await simpleQuery(c, "select 2"))[2])).toBe("SELECT 1");
  });
});
