import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Statement } from "@/drizzle/schema";
import { commandTagOf, rowOf, sqlStateOf, types, type RawClient } from "./testing/raw-client";
import { countRows, createOwnedTable, endedSession, ranTag, settledStatements, simpleQuery, startProbeFixture, untilReady, type ProbeFixture } from "./testing/session-probes";

/**
 * Issue 8, item 1: COPY started over the extended protocol, as libpq's PQsendQueryParams and
 * rust-postgres' copy_in do it (Parse/Bind/Describe/Execute/Sync, then CopyData…, CopyDone, Sync).
 * The server ignores the first Sync while it is in COPY; a gateway that pairs that Sync with a
 * ReadyForQuery falls one request behind for the rest of the session. What the client receives and
 * what is recorded per statement must both stay right afterwards.
 */

const COPY_IN = "copy copy_target from stdin";
const COUNT = "select count(*) from copy_target";
const INSERT = "insert into copy_target values (100, 'after')";
const LIST = "select v from copy_target order by id";

/** Parse/Bind/Execute/Sync of one unnamed statement, as a driver sends it. */
function extended(sql: string, opts: { describe?: boolean } = {}): Buffer[] {
  return [serialize.parse({ text: sql }), serialize.bind({}), ...(opts.describe ? [serialize.describe({ type: "P" })] : []), serialize.execute({}), serialize.sync()];
}

/** The statements after a COPY: three requests, each answered by its own result. */
function sendFollowUps(c: RawClient) {
  c.send(...extended(COUNT), ...extended(INSERT), serialize.query(LIST));
}

async function expectFollowUps(c: RawClient, countBefore: number) {
  const count = await untilReady(c);
  expect(types(count)).toBe("12DCZ");
  expect(rowOf(count[2])).toEqual([String(countBefore)]);
  expect(commandTagOf(count[3])).toBe("SELECT 1");
  const insert = await untilReady(c);
  expect(types(insert)).toBe("12CZ");
  expect(commandTagOf(insert[2])).toBe("INSERT 0 1");
  const list = await untilReady(c);
  expect(types(list)).toBe(`T${"D".repeat(countBefore + 1)}CZ`);
  expect(rowOf(list.at(-3)!)).toEqual(["after"]);
  expect(commandTagOf(list.at(-2))).toBe(`SELECT ${countBefore + 1}`);
}

/** The records of the three follow-up statements, as they ran. */
function followUpRecords(countBefore: number) {
  return [
    [COUNT, "ok", "SELECT 1", 1],
    [INSERT, "ok", "INSERT 0 1", 1],
    [LIST, "ok", `SELECT ${countBefore + 1}`, countBefore + 1],
  ];
}

const summary = (rows: Statement[]) => rows.map((r) => [r.sql, r.status, r.commandTag, r.rowCount]);

describe("COPY over the extended protocol keeps requests and replies paired", () => {
  let p: ProbeFixture;
  beforeAll(async () => {
    p = await startProbeFixture();
  });
  beforeEach(async () => {
    await createOwnedTable(p, "copy_target", 0);
    await createOwnedTable(p, "victims");
  });
  afterAll(() => p?.close());

  it("COPY FROM STDIN as PQsendQueryParams sends it (Describe included): the Sync inside COPY is not answered, and every later reply reaches its statement", async () => {
    const c = await p.open("copy-in-libpq");
    c.send(...extended(COPY_IN, { describe: true }));
    expect(types(await c.until((m) => m.type === "G"))).toBe("12nG");
    c.send(serialize.copyData(Buffer.from("1\tone\n2\ttwo\n")), serialize.copyDone(), serialize.sync());
    const done = await untilReady(c);
    expect(types(done)).toBe("CZ");
    expect(commandTagOf(done[0])).toBe("COPY 2");
    sendFollowUps(c);
    await expectFollowUps(c, 2);
    // Nothing is left over for the client: no stray ReadyForQuery from the Sync the server ignored.
    expect(types(await simpleQuery(c, "select 'last'"))).toBe("TDCZ");
    expect(c.peek()).toEqual([]);
    const rows = await settledStatements(p.fx, "copy-in-libpq", 5);
    expect(summary(rows)).toEqual([[COPY_IN, "ok", "COPY 2", 2], ...followUpRecords(2), ["select 'last'", "ok", "SELECT 1", 1]]);
  });

  it("COPY FROM STDIN with its data, CopyDone and later statements all sent at once, without waiting for CopyInResponse", async () => {
    const c = await p.open("copy-in-pipelined");
    c.send(...extended(COPY_IN), serialize.copyData(Buffer.from("1\tone\n")), serialize.copyData(Buffer.from("2\ttwo\n3\tthree\n")), serialize.copyDone(), serialize.sync());
    sendFollowUps(c);
    const copy = await untilReady(c);
    expect(types(copy)).toBe("12GCZ");
    expect(commandTagOf(copy[3])).toBe("COPY 3");
    await expectFollowUps(c, 3);
    const rows = await settledStatements(p.fx, "copy-in-pipelined", 4);
    expect(summary(rows)).toEqual([[COPY_IN, "ok", "COPY 3", 3], ...followUpRecords(3)]);
  });

  it("COPY FROM STDIN ended by CopyFail: the error ends the COPY, the Sync after it is answered, and later replies stay paired", async () => {
    const c = await p.open("copy-in-fail");
    c.send(...extended(COPY_IN));
    expect(types(await c.until((m) => m.type === "G"))).toBe("12G");
    c.send(serialize.copyData(Buffer.from("1\tone\n")), serialize.copyFail("the client gave up"), serialize.sync());
    const failed = await untilReady(c);
    expect(failed.map((m) => (m.type === "E" ? sqlStateOf(m) : m.type))).toEqual(["57014", "Z"]);
    sendFollowUps(c);
    await expectFollowUps(c, 0);
    const rows = await settledStatements(p.fx, "copy-in-fail", 4);
    expect(rows[0]).toMatchObject({ sql: COPY_IN, status: "error", errorCode: "57014" });
    expect(summary(rows.slice(1))).toEqual(followUpRecords(0));
  });

  it("COPY whose Execute fails (no such table), followed by the CopyData, CopyDone and Sync a pipelining client had already sent", async () => {
    const c = await p.open("copy-in-missing");
    const missing = "copy no_such_table from stdin";
    c.send(...extended(missing), serialize.copyData(Buffer.from("1\tone\n")), serialize.copyDone(), serialize.sync());
    const failed = await untilReady(c);
    expect(failed.map((m) => (m.type === "E" ? sqlStateOf(m) : m.type))).toEqual(["1", "2", "42P01", "Z"]);
    // The server ignores CopyData and CopyDone outside COPY; the second Sync has its own ReadyForQuery.
    expect(types(await untilReady(c))).toBe("Z");
    sendFollowUps(c);
    await expectFollowUps(c, 0);
    const rows = await settledStatements(p.fx, "copy-in-missing", 4);
    expect(rows[0]).toMatchObject({ sql: missing, status: "error", errorCode: "42P01" });
    expect(summary(rows.slice(1))).toEqual(followUpRecords(0));
  });

  it("a hostile client that sends Parse/Bind/Execute of a DELETE while the server is in COPY FROM STDIN: the DELETE never runs and nothing is left open or unpaired", async () => {
    const c = await p.open("copy-in-hostile");
    c.send(...extended(COPY_IN));
    expect(types(await c.until((m) => m.type === "G"))).toBe("12G");
    c.send(...extended("delete from victims where id = 1"));
    // PostgreSQL treats a non-COPY message in COPY FROM STDIN as a protocol violation (and, since
    // it cannot find the next message boundary, ends the connection). The gateway may refuse first.
    const answer = await c.until((m) => m.type === "Z", 5_000).catch(() => c.take());
    const all = [...answer, ...c.take()];
    expect(all.some((m) => m.type === "E")).toBe(true);
    expect(ranTag(all, "DELETE")).toBeUndefined();
    expect(await countRows(p, "victims")).toBe(3);
    if (!c.isClosed) {
      // Still open: then the session must still be in step.
      expect(types(await simpleQuery(c, "select 'in step'"))).toBe("TDCZ");
      c.close();
    }
    const { statements } = await endedSession(p.fx, "copy-in-hostile");
    expect(statements[0]).toMatchObject({ sql: COPY_IN, status: "error" });
    for (const s of statements.filter((r) => /delete/i.test(r.sql))) expect(s.status).not.toBe("ok");
    expect(await countRows(p, "victims")).toBe(3);
  });

  it("COPY TO STDOUT over the extended protocol: the data reaches the client, the statement is recorded with its tag, and later replies stay paired", async () => {
    await p.target.query("insert into copy_target values (1, 'one'), (2, 'two')");
    const c = await p.open("copy-out");
    const copyOut = "copy (select id, v from copy_target order by id) to stdout";
    c.send(...extended(copyOut, { describe: true }));
    const out = await untilReady(c);
    expect(types(out)).toBe("12nHddcCZ");
    expect(out.filter((m) => m.type === "d").map((m) => m.frame.subarray(5).toString())).toEqual(["1\tone\n", "2\ttwo\n"]);
    expect(commandTagOf(out.at(-2))).toBe("COPY 2");
    sendFollowUps(c);
    await expectFollowUps(c, 2);
    const rows = await settledStatements(p.fx, "copy-out", 4);
    expect(summary(rows)).toEqual([[copyOut, "ok", "COPY 2", 2], ...followUpRecords(2)]);
  });

  it("two COPY FROM STDIN in a row over the extended protocol, then statements: still paired (the error of a late reply would show here)", async () => {
    const c = await p.open("copy-in-twice");
    for (const batch of ["1\tone\n", "2\ttwo\n"]) {
      c.send(...extended(COPY_IN));
      expect(types(await c.until((m) => m.type === "G"))).toBe("12G");
      c.send(serialize.copyData(Buffer.from(batch)), serialize.copyDone(), serialize.sync());
      expect(types(await untilReady(c))).toBe("CZ");
    }
    sendFollowUps(c);
    await expectFollowUps(c, 2);
    const rows = await settledStatements(p.fx, "copy-in-twice", 5);
    expect(summary(rows)).toEqual([[COPY_IN, "ok", "COPY 1", 1], [COPY_IN, "ok", "COPY 1", 1], ...followUpRecords(2)]);
  });
});
