import { eq } from "drizzle-orm";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { statements, type ApprovalRequest } from "@/drizzle/schema";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import type { GatewayLimits } from "./session/client-session";
import { RawClient, sqlStateOf, types, type RawMessage } from "./testing/raw-client";
import { awaitHold, countRows, createOwnedTable, ranTag, REVIEWER, simpleQuery, startProbeFixture, untilReady, type ProbeFixture } from "./testing/session-probes";

/**
 * Issue 8, item 1, attacked as a hostile agent would: the gateway's idea of which SQL a prepared
 * statement or portal name stands for must come from the server's answers, share PostgreSQL's one
 * namespace with SQL PREPARE, never forget a live name, and refuse what it cannot tie to SQL it has
 * classified. Every agent write is held for a reviewer (default policy); a DELETE that reaches the
 * server without a hold, or that is held under other SQL than its own, is the failure.
 */

/** Room for the 10,000-statement test below, so it tests forgetting and not the per-session cap. */
const ROOMY = { maxPreparedStatements: 20_000 } satisfies Partial<GatewayLimits>;
const SMALL_CAP = { maxPreparedStatements: 10 } satisfies Partial<GatewayLimits>;

const DELETE_ALL = "delete from victims";

async function reject(p: ProbeFixture, request: ApprovalRequest) {
  await decideApproval(p.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "not by an agent" });
}

/** After a rejection: the client's answer is the refusal (42501), and no DELETE ran. */
function expectRefusedNotRun(answer: RawMessage[]) {
  expect(ranTag(answer, "DELETE")).toBeUndefined();
  expect(answer.filter((m) => m.type === "E").map(sqlStateOf)).toEqual(["42501"]);
}

async function heldStatementRecord(p: ProbeFixture, request: ApprovalRequest) {
  const [row] = await p.fx.db.select().from(statements).where(eq(statements.id, request.statementId!));
  return row;
}

describe("statement state: names are judged by the SQL the server holds for them", () => {
  let p: ProbeFixture;
  let agent: (app: string) => Promise<RawClient>;

  beforeAll(async () => {
    p = await startProbeFixture({ limits: ROOMY });
    agent = (app) => p.open(app, p.agentToken);
  });
  beforeEach(() => createOwnedTable(p, "victims"));
  afterAll(() => p?.close());

  it("judges a protocol Bind/Execute of a name made by SQL PREPARE as the prepared DELETE, holding it", async () => {
    const c = await agent("sql-prepare-bind");
    expect(types(await simpleQuery(c, "prepare p as delete from victims"))).toBe("CZ");
    c.send(serialize.bind({ statement: "p" }), serialize.execute({}), serialize.sync());
    const request = await awaitHold(p, c, "sql-prepare-bind", /delete from victims/i);
    expect(request.classification).toMatchObject({ kind: "write" });
    await reject(p, request);
    expectRefusedNotRun(await untilReady(c));
    expect(await countRows(p, "victims")).toBe(3);
    const row = await heldStatementRecord(p, request);
    expect(row).toMatchObject({ protocol: "extended", decision: "hold", status: "blocked" });
    expect(row.sql).toMatch(/delete from victims/i);
  });

  it("judges a Bind of a SQL-PREPAREd name with parameters as that DELETE, with its bound value", async () => {
    const c = await agent("sql-prepare-params");
    expect(types(await simpleQuery(c, "prepare pick (int) as delete from victims where id = $1"))).toBe("CZ");
    c.send(serialize.bind({ statement: "pick", values: ["2"] }), serialize.execute({}), serialize.sync());
    const request = await awaitHold(p, c, "sql-prepare-params", /delete from victims where id = \$1/i);
    expect(request.params).toMatchObject([{ value: "2" }]);
    await reject(p, request);
    expectRefusedNotRun(await untilReady(c));
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("knows a SQL PREPARE that completed before a later statement of the same query string failed", async () => {
    const c = await agent("sql-prepare-then-error");
    // PREPARE is not transactional: the error after it rolls nothing back, and p2 exists on the server.
    const answer = await simpleQuery(c, "prepare p2 as delete from victims; select 1/0");
    expect(types(answer)).toBe("CEZ");
    c.send(serialize.bind({ statement: "p2" }), serialize.execute({}), serialize.sync());
    const request = await awaitHold(p, c, "sql-prepare-then-error", /delete from victims/i);
    await reject(p, request);
    expectRefusedNotRun(await untilReady(c));
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("keeps the DELETE's SQL for a name whose SQL re-PREPARE failed (already exists)", async () => {
    const c = await agent("sql-reprepare");
    expect(types(await simpleQuery(c, "prepare p3 as delete from victims"))).toBe("CZ");
    const refused = await simpleQuery(c, "prepare p3 as select 1");
    expect(refused.map((m) => m.type === "E" ? sqlStateOf(m) : m.type)).toEqual(["42P05", "Z"]);
    c.send(serialize.bind({ statement: "p3" }), serialize.execute({}), serialize.sync());
    const request = await awaitHold(p, c, "sql-reprepare", /delete from victims/i);
    expect(request.sql).not.toMatch(/select 1/i);
    await reject(p, request);
    expectRefusedNotRun(await untilReady(c));
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("keeps the DELETE's SQL when a protocol re-Parse of the same name fails (already exists), and records the DELETE, not SELECT 1", async () => {
    const c = await agent("reparse-sync");
    c.send(serialize.parse({ name: "s", text: DELETE_ALL }), serialize.sync());
    expect(types(await untilReady(c))).toBe("1Z");
    c.send(serialize.parse({ name: "s", text: "select 1" }), serialize.sync());
    const refused = await untilReady(c);
    expect(refused.map((m) => (m.type === "E" ? sqlStateOf(m) : m.type))).toEqual(["42P05", "Z"]);
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    const request = await awaitHold(p, c, "reparse-sync", /delete from victims/i);
    expect(request.sql).toBe(DELETE_ALL);
    await reject(p, request);
    expectRefusedNotRun(await untilReady(c));
    expect(await countRows(p, "victims")).toBe(3);
    const row = await heldStatementRecord(p, request);
    expect(row.sql).toBe(DELETE_ALL);
  });

  it("keeps the DELETE's SQL when the refused re-Parse and the Bind/Execute are pipelined with Syncs and sent at once", async () => {
    const c = await agent("reparse-pipelined");
    c.send(
      serialize.parse({ name: "s", text: DELETE_ALL }),
      serialize.sync(),
      serialize.parse({ name: "s", text: "select 1" }),
      serialize.sync(),
      serialize.bind({ statement: "s" }),
      serialize.execute({}),
      serialize.sync(),
    );
    const request = await awaitHold(p, c, "reparse-pipelined", /delete from victims/i);
    expect(request.sql).toBe(DELETE_ALL);
    await reject(p, request);
    const answer = [...(await untilReady(c)), ...(await untilReady(c)), ...(await untilReady(c))];
    // ParseComplete, ReadyForQuery; the refused re-Parse, ReadyForQuery; [BindComplete] the refusal, ReadyForQuery.
    expect(types(answer)).toMatch(/^1ZEZ2?EZ$/);
    expect(answer.filter((m) => m.type === "E").map(sqlStateOf)).toEqual(["42P05", "42501"]);
    expect(ranTag(answer, "DELETE")).toBeUndefined();
    expect(await countRows(p, "victims")).toBe(3);
    expect((await heldStatementRecord(p, request)).sql).toBe(DELETE_ALL);
  });

  it("keeps the DELETE's SQL when the refused re-Parse is in the same pipeline (no Sync between): the Execute after it is skipped, the next one held", async () => {
    const c = await agent("reparse-one-pipeline");
    c.send(
      serialize.parse({ name: "s", text: DELETE_ALL }),
      serialize.parse({ name: "s", text: "select 1" }),
      serialize.bind({ statement: "s" }),
      serialize.execute({}),
      serialize.sync(),
    );
    const first = await untilReady(c);
    expect(types(first)).toBe("1EZ");
    expect(sqlStateOf(first[1])).toBe("42P05");
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    const request = await awaitHold(p, c, "reparse-one-pipeline", /delete from victims/i);
    expect(request.sql).toBe(DELETE_ALL);
    await reject(p, request);
    expectRefusedNotRun(await untilReady(c));
    expect(await countRows(p, "victims")).toBe(3);
  });

  // A generous timeout: this test is about forgetting, not speed (no test asserts a timing).
  it("never forgets a live statement: a DELETE parsed before 10,000 other named statements is still judged as the DELETE", { timeout: 180_000 }, async () => {
    const c = await agent("ten-thousand");
    const frames = [serialize.parse({ name: "victim", text: DELETE_ALL }), serialize.sync()];
    for (let i = 0; i < 10_000; i++) frames.push(serialize.parse({ name: `other_${i}`, text: `select ${i}` }), serialize.sync());
    c.send(...frames);
    const answers = await c.untilCount((m) => m.type === "Z" || m.type === "E", 10_001, 170_000);
    expect(answers.filter((m) => m.type === "E").map((m) => String(m.decoded?.message))).toEqual([]);
    expect(answers.filter((m) => m.type === "1")).toHaveLength(10_001);
    c.send(serialize.bind({ statement: "victim" }), serialize.execute({}), serialize.sync());
    const request = await awaitHold(p, c, "ten-thousand", /delete from victims/i);
    expect(request.sql).toBe(DELETE_ALL);
    await reject(p, request);
    expectRefusedNotRun(await untilReady(c));
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("refuses a Bind of a name prepared behind its back (dynamic PREPARE in a function) with an ErrorResponse, never forwarding it", async () => {
    await p.target.query("create or replace function f() returns void language plpgsql as $$ begin execute 'prepare sneaky as delete from victims'; end $$");
    // A human's session: `select f()` is a read to the classifier, so nothing is held on the way.
    const c = await p.open("dynamic-prepare");
    expect(types(await simpleQuery(c, "select f()"))).toBe("TDCZ");
    c.send(serialize.bind({ statement: "sneaky" }), serialize.execute({}), serialize.sync());
    const answer = await untilReady(c);
    // A forwarded Bind would be answered by the server with BindComplete: the name exists there.
    expect(types(answer)).toBe("EZ");
    expect(ranTag(answer, "DELETE")).toBeUndefined();
    expect(await countRows(p, "victims")).toBe(3);
    // SQL EXECUTE of it is refused as well, and the session goes on.
    const sqlExecute = await simpleQuery(c, "execute sneaky");
    expect(types(sqlExecute)).toBe("EZ");
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("refuses an Execute of a portal opened behind its back (a function's cursor over DELETE … RETURNING), never forwarding it", async () => {
    await p.target.query(
      "create or replace function g() returns refcursor language plpgsql as $$ declare c refcursor := 'sneaky_portal'; begin open c for execute 'delete from victims returning id'; return c; end $$",
    );
    const c = await p.open("dynamic-portal");
    expect(types(await simpleQuery(c, "begin"))).toBe("CZ");
    expect(types(await simpleQuery(c, "select g()"))).toBe("TDCZ");
    // The portal exists on the server; the DELETE would run at its first fetch.
    c.send(serialize.execute({ portal: "sneaky_portal" }), serialize.sync());
    const answer = await untilReady(c);
    expect(ranTag(answer, "DELETE")).toBeUndefined();
    expect(answer.some((m) => m.type === "D")).toBe(false);
    expect(answer.map((m) => m.type).includes("E")).toBe(true);
    expect(types(await simpleQuery(c, "rollback"))).toBe("CZ");
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("refuses Bind of a statement name and Execute of a portal name that were never prepared or bound; the session goes on", async () => {
    const c = await agent("never-prepared");
    c.send(serialize.bind({ statement: "ghost" }), serialize.execute({}), serialize.sync());
    expect(types(await untilReady(c))).toBe("EZ");
    c.send(serialize.execute({ portal: "nowhere" }), serialize.sync());
    expect(types(await untilReady(c))).toBe("EZ");
    expect(types(await simpleQuery(c, "execute ghost"))).toBe("EZ");
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
  });
});

describe("statement state: the per-session cap on prepared statements", () => {
  let p: ProbeFixture;
  beforeAll(async () => {
    p = await startProbeFixture({ limits: SMALL_CAP });
  });
  afterAll(() => p?.close());

  async function fillToCap(c: RawClient) {
    const frames: Buffer[] = [];
    for (let i = 1; i <= SMALL_CAP.maxPreparedStatements; i++) frames.push(serialize.parse({ name: `n${i}`, text: `select ${i}` }));
    c.send(...frames, serialize.sync());
    expect(types(await untilReady(c))).toBe(`${"1".repeat(SMALL_CAP.maxPreparedStatements)}Z`);
  }

  it("refuses a new name past the cap with a clear ErrorResponse (nothing after it runs until Sync), and the session goes on", async () => {
    const c = await p.open("cap-protocol", p.agentToken);
    await fillToCap(c);
    c.send(serialize.parse({ name: "over", text: "select 'over'" }), serialize.bind({ statement: "over" }), serialize.execute({}), serialize.sync());
    const refused = await untilReady(c);
    expect(types(refused)).toBe("EZ");
    expect(refused[0].decoded).toMatchObject({ severity: "ERROR" });
    expect(String(refused[0].decoded?.message)).toMatch(/prepared statement/i);
    // The session goes on: simple and extended queries, and the names it already has.
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    c.send(serialize.bind({ statement: "n3" }), serialize.execute({}), serialize.sync());
    const n3 = await untilReady(c);
    expect(types(n3)).toBe("2DCZ");
    expect(n3[1].decoded?.fields).toEqual(["3"]);
    // The refused name was never created: binding it is refused too.
    c.send(serialize.bind({ statement: "over" }), serialize.execute({}), serialize.sync());
    expect(types(await untilReady(c))).toBe("EZ");
  });

  it("counts live names: after Close a new name fits; re-Parsing the unnamed statement never counts", async () => {
    const c = await p.open("cap-close", p.agentToken);
    await fillToCap(c);
    c.send(serialize.close({ type: "S", name: "n1" }), serialize.sync());
    expect(types(await untilReady(c))).toBe("3Z");
    c.send(serialize.parse({ name: "fresh", text: "select 'fresh'" }), serialize.bind({ statement: "fresh" }), serialize.execute({}), serialize.sync());
    expect(types(await untilReady(c))).toBe("12DCZ");
    for (let i = 0; i < 3; i++) {
      c.send(serialize.parse({ text: `select ${i} as unnamed` }), serialize.bind({}), serialize.execute({}), serialize.sync());
      expect(types(await untilReady(c))).toBe("12DCZ");
    }
  });

  it("refuses a SQL PREPARE of a new name past the cap too (one namespace), and the session goes on", async () => {
    const c = await p.open("cap-sql", p.agentToken);
    await fillToCap(c);
    const refused = await simpleQuery(c, "prepare over_sql as select 1");
    expect(types(refused)).toBe("EZ");
    expect(String(refused[0].decoded?.message)).toMatch(/prepared statement/i);
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
  });
});
