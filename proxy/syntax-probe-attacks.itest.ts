import { eq } from "drizzle-orm";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { approvalRequests } from "@/drizzle/schema";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { loadClassifier } from "@/lib/policy/classify-statement";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { savePolicy } from "./approvals/testing/approval-fixtures";
import { classifyClientSql } from "./session/query-text";
import { RawClient, rowOf, sqlStateOf, types, type RawMessage } from "./testing/raw-client";
import { awaitHold, countRows, REVIEWER, settledStatements, simpleQuery, startProbeFixture, untilReady, type ProbeFixture } from "./testing/session-probes";

/**
 * The syntax probe (syntax-probe.ts) attacked as a hostile agent would: text the gateway cannot
 * parse is sent to the server as a Parse into a reserved name; nothing of it may ever run
 * unclassified. Text the gateway cannot classify but the server can run (here: an expression too
 * deep for the classifier's tree walkers; settings that make the server read SQL differently, such
 * as standard_conforming_strings off, are refused before any statement), zero bytes, invalid
 * encodings, huge texts, Bind/Execute pipelined after the failed Parse, the reserved name itself,
 * and all of it in pipelines of other statements.
 */

const sum = (terms: number) => Array.from({ length: terms }, () => "1").join(" + ");
/** A write PostgreSQL runs and Warden's classifier fails on. */
const SERVER_ONLY_WRITE = `insert into landed select ${sum(2_500)}, 'deep'`;

const exchange = (ms: readonly RawMessage[]) => ms.filter((m) => m.type !== "N" && m.type !== "S");
const codes = (ms: readonly RawMessage[]) => ms.filter((m) => m.type === "E").map(sqlStateOf);
const messageOf = (ms: readonly RawMessage[]) => String(ms.find((m) => m.type === "E")?.decoded?.message ?? "");

describe("syntax probe: attacks", () => {
  let p: ProbeFixture;

  beforeAll(async () => {
    p = await startProbeFixture();
    await loadClassifier();
    // The premise of the server-only cases: Warden cannot classify the write (PostgreSQL runs it, below).
    expect(classifyClientSql(SERVER_ONLY_WRITE)).toMatchObject({ isParsed: false, classifierFailure: expect.any(String) });
  });
  beforeEach(async () => {
    await p.target.query(`drop table if exists landed; create table landed (id int, v text); alter table landed owner to ${p.fx.targetRole}`);
  });
  afterAll(() => p?.close());

  it("the server-only write runs directly: the refusals below are the gateway's, not the server's", async () => {
    const d = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
    try {
      expect(types(await simpleQuery(d, SERVER_ONLY_WRITE))).toBe("CZ");
    } finally {
      d.close();
    }
    expect(await countRows(p, "landed")).toBe(1);
  });

  it("text the server parses but the gateway cannot: refused by the fail-closed rule, never run, as a Query", async () => {
    const c = await p.open("probe-server-only");
    const answer = await simpleQuery(c, SERVER_ONLY_WRITE);
    expect(types(answer)).toBe("EZ");
    expect(codes(answer)).toEqual(["42601"]);
    expect(messageOf(answer)).toMatch(/^Warden could not classify this statement, so it was not run/);
    expect(await countRows(p, "landed")).toBe(0);
    // The session goes on; the probe's name is gone.
    expect(rowOf((await simpleQuery(c, "select count(*) from pg_prepared_statements"))[1])).toEqual(["0"]);
    const records = await settledStatements(p.fx, "probe-server-only", 2);
    expect(records[0]).toMatchObject({ sql: SERVER_ONLY_WRITE, decision: "block", status: "blocked", errorCode: "42601" });
  });

  it("several statements the server parses but the gateway cannot: one refusal, nothing of the string runs", async () => {
    const c = await p.open("probe-server-only-multi");
    const sql = `${SERVER_ONLY_WRITE}; insert into landed values (2, 'c')`;
    const answer = await simpleQuery(c, sql);
    expect(types(answer)).toBe("EZ");
    expect(codes(answer)).toEqual(["42601"]);
    expect(messageOf(answer)).toMatch(/^Warden could not classify this statement, so it was not run/);
    expect(messageOf(answer)).not.toMatch(/prepared statement/);
    expect(await countRows(p, "landed")).toBe(0);
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    const records = await settledStatements(p.fx, "probe-server-only-multi", 2);
    expect(records[0]).toMatchObject({ sql, decision: "block", status: "blocked", errorCode: "42601" });
  });

  it("text the server parses but the gateway cannot, as Parse/Bind/Execute pipelined at once: the Execute is refused, never run", async () => {
    const c = await p.open("probe-server-only-extended");
    c.send(
      serialize.parse({ name: "s", text: SERVER_ONLY_WRITE }),
      serialize.bind({ portal: "p", statement: "s" }),
      serialize.execute({ portal: "p" }),
      serialize.parse({ text: SERVER_ONLY_WRITE }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
    );
    const answer = await untilReady(c);
    expect(types(answer)).toBe("12EZ");
    expect(messageOf(answer)).toMatch(/^Warden could not classify/);
    // Executed again after the Sync: still refused.
    c.send(serialize.bind({ statement: "s" }), serialize.execute({}), serialize.sync());
    expect(codes(await untilReady(c))).toEqual(["42601"]);
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("in a transaction, the refusal of such text aborts it as an error would; nothing commits", async () => {
    const c = await p.open("probe-server-only-tx");
    c.send(serialize.query("begin"), serialize.query("insert into landed values (0, 'before')"), serialize.query(SERVER_ONLY_WRITE), serialize.query("commit"));
    const answer = exchange(await c.readyCount(4));
    expect(codes(answer)).toEqual(["42601"]);
    expect(answer.filter((m) => m.type === "C").map((m) => m.decoded?.text)).toEqual(["BEGIN", "INSERT 0 1", "ROLLBACK"]);
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("text too deep for the gateway's classifier: refused by the fail-closed rule when the server could run it, the server's own error when it could not; the session goes on", async () => {
    const c = await p.open("probe-deep");
    const d = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
    try {
      // PostgreSQL runs this; Warden cannot classify it.
      const refused = await simpleQuery(c, SERVER_ONLY_WRITE);
      expect(codes(refused)).toEqual(["42601"]);
      expect(messageOf(refused)).toMatch(/^Warden could not classify this statement, so it was not run: Warden's classifier failed/);
      expect(await countRows(p, "landed")).toBe(0);
      // Too deep for PostgreSQL as well: its own error, as directly.
      const tooDeep = `select ${sum(20_000)}`;
      c.send(serialize.query(tooDeep));
      d.send(serialize.query(tooDeep));
      const [through, straight] = await Promise.all([c.until((m) => m.type === "Z"), d.until((m) => m.type === "Z")]);
      expect(types(exchange(through))).toBe("EZ");
      expect(exchange(through).find((m) => m.type === "E")!.frame.equals(exchange(straight).find((m) => m.type === "E")!.frame)).toBe(true);
      expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    } finally {
      d.close();
    }
    const records = await settledStatements(p.fx, "probe-deep", 3);
    expect(records.map((r) => [r.status, r.errorCode])).toEqual([
      ["blocked", "42601"],
      ["error", expect.stringMatching(/^54/)],
      ["ok", null],
    ]);
  });

  it("zero bytes: a Query with one inside its text ends the connection with a protocol violation; nothing runs", async () => {
    const c = await p.open("probe-nul-query");
    c.send(rawQuery(Buffer.from("insert into landed values (1, 'a')\0; selec")));
    const answer = await c.until((m) => m.type === "E" || m.type === "Z");
    expect(codes(answer)).toEqual(["08P01"]);
    await c.until(() => false, 2_000).catch(() => {});
    expect(c.isClosed).toBe(true);
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("zero bytes: a Parse whose text hides a write after a zero byte is read as PostgreSQL reads it; nothing runs", async () => {
    const c = await p.open("probe-nul-parse");
    const body = Buffer.concat([Buffer.from("\0selec\0insert into landed values (1, 'a')\0"), Buffer.alloc(2)]);
    c.send(frameOf(0x50, body), serialize.bind({}), serialize.execute({}), serialize.sync());
    const answer = await c.until((m) => m.type === "E" || m.type === "Z");
    expect(codes(answer)).toEqual(["08P01"]);
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("invalid byte sequences, in text the gateway can and cannot parse: the server's encoding error, nothing runs", async () => {
    const c = await p.open("probe-bad-bytes");
    for (const bytes of [
      Buffer.concat([Buffer.from("insert into landed values (1, 'x') "), Buffer.from([0xff])]),
      Buffer.concat([Buffer.from("insert into landed values (1, '"), Buffer.from([0xc3, 0x28]), Buffer.from("')")]),
      Buffer.concat([Buffer.from("selec "), Buffer.from([0x80]), Buffer.from("; insert into landed values (2, 'y')")]),
    ]) {
      c.send(rawQuery(bytes));
      const answer = exchange(await c.until((m) => m.type === "Z"));
      expect(types(answer)).toBe("EZ");
      expect(codes(answer)).toEqual(["22021"]);
    }
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("huge broken text: under the classifier's limit the server's syntax error; over it the fail-closed refusal; nothing runs", async () => {
    const c = await p.open("probe-huge");
    const padding = (bytes: number) => `/* ${"x".repeat(bytes)} */`;
    const under = `insert into landed values (1, 'a'); ${padding(900 * 1024)} selec`;
    const answerUnder = await simpleQuery(c, under);
    expect(codes(answerUnder)).toEqual(["42601"]);
    expect(answerUnder.find((m) => m.type === "E")?.decoded).toMatchObject({ position: String(under.length - 4) });
    const over = `insert into landed values (2, 'b'); ${padding(2 * 1024 * 1024)} selec`;
    const answerOver = await simpleQuery(c, over);
    expect(codes(answerOver)).toEqual(["54000"]);
    expect(messageOf(answerOver)).toMatch(/could not classify/);
    expect(await countRows(p, "landed")).toBe(0);
  });

  it("Bind and Execute pipelined after a failed Parse, before Sync, with a write after them: all skipped, nothing runs, as directly", async () => {
    const messages = [
      serialize.parse({ name: "bad", text: "selec 1" }),
      serialize.bind({ portal: "p", statement: "bad" }),
      serialize.execute({ portal: "p" }),
      serialize.parse({ text: "insert into landed values (1, 'after')" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.query("insert into landed values (2, 'query')"),
      serialize.sync(),
    ];
    const c = await p.open("probe-skip-after-parse");
    const d = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
    try {
      c.send(...messages);
      d.send(...messages);
      const [through, straight] = await Promise.all([c.until((m) => m.type === "Z"), d.until((m) => m.type === "Z")]);
      expect(types(exchange(through))).toBe(types(exchange(straight)));
      expect(types(exchange(through))).toBe("EZ");
    } finally {
      d.close();
    }
    expect(await countRows(p, "landed")).toBe(0);
    const records = await settledStatements(p.fx, "probe-skip-after-parse", 3);
    expect(records.map((r) => [r.sql, r.status, r.errorCode])).toEqual([
      ["selec 1", "error", "42601"],
      ["insert into landed values (1, 'after')", "skipped", null],
      ["insert into landed values (2, 'query')", "skipped", null],
    ]);
  });

  it("a broken Query in a pipeline of extended messages with a named portal: answered as directly, and what ran is the same", async () => {
    const messages = [
      serialize.parse({ name: "w", text: "insert into landed values (1, 'w')" }),
      serialize.bind({ portal: "p1", statement: "w" }),
      serialize.query("selec"),
      serialize.execute({ portal: "p1" }),
      serialize.sync(),
      serialize.bind({ portal: "p2", statement: "w" }),
      serialize.execute({ portal: "p2" }),
      serialize.sync(),
    ];
    const c = await p.open("probe-query-in-extended");
    const d = (await RawClient.signInDirect(p.fx.targetAdminUrl)).client;
    try {
      c.send(...messages);
      d.send(...messages);
      const [through, straight] = await Promise.all([c.readyCount(3), d.readyCount(3)]);
      expect(types(exchange(through))).toBe(types(exchange(straight)));
      expect(codes(exchange(through))).toEqual(codes(exchange(straight)));
    } finally {
      d.close();
    }
    // Whatever ran directly ran once more through the gateway: the rows come in pairs.
    const rows = await p.target.query("select id, v, count(*)::int as n from landed group by id, v order by id");
    expect(rows.rows.every((r) => r.n === 2)).toBe(true);
  });

  it("the reserved name is never the client's: not visible, not confirmable, not usable", async () => {
    const probe = "__warden_syntax_probe";
    const c = await p.open("probe-reserved");
    // A probe that fails and one that parses, each followed at once by attempts on the reserved name.
    c.send(
      serialize.query("selec"),
      serialize.describe({ type: "S", name: probe }),
      serialize.sync(),
      serialize.query(SERVER_ONLY_WRITE),
      serialize.bind({ portal: "x", statement: probe }),
      serialize.execute({ portal: "x" }),
      serialize.sync(),
      serialize.parse({ name: probe, text: "select 1" }),
      serialize.sync(),
      serialize.query(`execute ${probe}`),
      serialize.query(`select name from pg_prepared_statements`),
    );
    const answer = exchange(await c.readyCount(7));
    expect(codes(answer)).toEqual(["42601", "26000", "42601", "26000", "26000", "26000"]);
    expect(answer.filter((m) => m.type === "D").map(rowOf)).toEqual([]);
    expect(answer.some((m) => m.type === "1" || m.type === "2" || m.type === "t")).toBe(false);
    expect(await countRows(p, "landed")).toBe(0);
  });
});

describe("syntax probe: under a fail-closed rule that holds", () => {
  let p: ProbeFixture;

  beforeAll(async () => {
    p = await startProbeFixture();
    await savePolicy(p.fx.db, p.fx.connectionId, { ...defaultPolicy(), failClosed: "hold" });
    await p.target.query(`create table landed (id int, v text); alter table landed owner to ${p.fx.targetRole}`);
  });
  afterAll(() => p?.close());

  it("a syntax error is answered by PostgreSQL at once, never held for a reviewer", async () => {
    const c = await p.open("hold-syntax");
    const answer = await simpleQuery(c, "selec 1");
    expect(codes(answer)).toEqual(["42601"]);
    expect(messageOf(answer)).toBe('syntax error at or near "selec"');
    c.send(serialize.parse({ text: "delete from landed wher id = 1" }), serialize.bind({}), serialize.execute({}), serialize.sync());
    expect(codes(await untilReady(c))).toEqual(["42601"]);
    const held = await p.fx.db.select().from(approvalRequests).where(eq(approvalRequests.applicationName, "hold-syntax"));
    expect(held).toEqual([]);
  });

  it("text only the server parses is held; rejected, it never runs", async () => {
    const c = await p.open("hold-server-only");
    c.send(serialize.query(SERVER_ONLY_WRITE));
    const request = await awaitHold(p, c, "hold-server-only", /'deep'/, "INSERT");
    await decideApproval(p.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "cannot classify" });
    const answer = await untilReady(c);
    expect(codes(answer)).toEqual(["42501"]);
    expect(await countRows(p, "landed")).toBe(0);
  });
});

function frameOf(code: number, body: Buffer): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out[0] = code;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

/** A Query of raw bytes (serialize.query would encode a string). */
function rawQuery(text: Buffer): Buffer {
  return frameOf(0x51, Buffer.concat([text, Buffer.from([0])]));
}
