import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "@/lib/policy/classify-statement";
import { READING_CHANGED } from "./session/reading-guard";
import { RawClient, sqlStateOf, types, type RawMessage } from "./testing/raw-client";
import { countRows, createOwnedTable, endedSession, expectUpstreamGone, simpleQuery, startProbeFixture, type ProbeFixture } from "./testing/session-probes";

/**
 * A session whose reading of SQL the server changes mid-session (session/reading-guard.ts). SET and
 * set_config of client_encoding or standard_conforming_strings are refused by the policy, so a
 * hostile agent hides them in a function; the gateway sees only `SELECT f()`. What it must never
 * let through afterwards: text it reads as one harmless SELECT and the server reads as a DELETE.
 */

/** A Query of exact bytes: the attacks are not valid UTF-8, so they cannot go through a JS string. */
function queryOfBytes(text: Buffer): Buffer {
  const frame = Buffer.alloc(5 + text.length + 1);
  frame[0] = 0x51;
  frame.writeInt32BE(frame.length - 1, 1);
  text.copy(frame, 5);
  return frame;
}

/**
 * Under SJIS, 0x95 0x5c is one character (表): the string ends at the next quote and a DELETE
 * follows. Read as UTF-8, 0x95 is not a character and 0x5c escapes that quote: one SELECT of a string.
 */
const SJIS_ATTACK = Buffer.concat([Buffer.from("select E'", "latin1"), Buffer.from([0x95, 0x5c]), Buffer.from("' ; delete from victims; -- '", "latin1")]);
/** With standard_conforming_strings off, `\'` escapes the quote: the string is `'` and a DELETE follows. */
const SCS_ATTACK = Buffer.from("select '\\'' ; delete from victims; -- '", "latin1");

const FUNCTIONS = {
  sjis: "warden_sjis",
  scsOff: "warden_scs_off",
  latin1: "warden_latin1",
} as const;

const messageOf = (ms: readonly RawMessage[]) => String(ms.find((m) => m.type === "E")?.decoded?.message ?? "");

describe("gateway: a session whose reading of SQL changes mid-session", () => {
  let p: ProbeFixture;

  beforeAll(async () => {
    p = await startProbeFixture();
    await loadClassifier();
    const owner = p.fx.targetRole;
    // As the target's owner would write them: the settings change inside the body, where Warden cannot see.
    await p.target.query(`create function ${FUNCTIONS.sjis}() returns text language plpgsql as $$ begin set client_encoding = 'SJIS'; return 'ok'; end $$`);
    await p.target.query(`create function ${FUNCTIONS.scsOff}() returns text language plpgsql as $$ begin perform set_config('standard_conforming_strings', 'off', false); return 'ok'; end $$`);
    await p.target.query(`create function ${FUNCTIONS.latin1}() returns text language plpgsql as $$ begin perform set_config('client_encoding', 'LATIN1', false); return 'ok'; end $$`);
    for (const f of Object.values(FUNCTIONS)) await p.target.query(`alter function ${f}() owner to ${owner}`);
  });
  beforeEach(() => createOwnedTable(p, "victims", 3));
  afterAll(() => p?.close());

  it("premises: Warden reads each attack as one harmless SELECT, and PostgreSQL, after the function, runs its DELETE", async () => {
    for (const attack of [SJIS_ATTACK, SCS_ATTACK]) {
      expect(classifySql(attack.toString("utf8"))).toMatchObject({ isParsed: true, statements: [{ kind: "read", command: "SelectStmt", relations: [] }] });
    }
    for (const [fn, attack] of [
      [FUNCTIONS.sjis, SJIS_ATTACK],
      [FUNCTIONS.scsOff, SCS_ATTACK],
    ] as const) {
      await createOwnedTable(p, "victims", 3);
      const { client: d } = await RawClient.signInDirect(p.fx.targetAdminUrl);
      try {
        expect(types(await simpleQuery(d, `select ${fn}()`))).toBe("TDCZ");
        d.send(queryOfBytes(attack));
        const answer = (await d.until((m) => m.type === "Z")).filter((m) => m.type !== "N");
        expect(answer.map((m) => (m.type === "C" ? String(m.decoded?.text) : m.type)), fn).toEqual(["T", "D", "SELECT 1", "DELETE 3", "Z"]);
      } finally {
        d.close();
      }
      expect(await countRows(p, "victims")).toBe(0);
    }
  });

  for (const [fn, attack, setting, value] of [
    [FUNCTIONS.sjis, SJIS_ATTACK, "client_encoding", "SJIS"],
    [FUNCTIONS.scsOff, SCS_ATTACK, "standard_conforming_strings", "off"],
  ] as const) {
    it(`an agent's SELECT of a function that sets ${setting} ${value}: the session ends with a FATAL before its ReadyForQuery, and the attack never runs`, async () => {
      const app = `reading-${fn}`;
      const c = await p.open(app, p.agentToken);
      c.send(queryOfBytes(Buffer.from(`select ${fn}()`)));
      const answer = await c.until((m) => m.type === "Z" || (m.type === "E" && m.decoded?.severity === "FATAL"));
      // The function's answer (its rows and completion unless they were still held for their record
      // when the change arrived: the session ends at once), then the FATAL; never the ReadyForQuery
      // that would invite the next statement.
      const seen = types(answer.filter((m) => m.type !== "N" && m.type !== "S"));
      expect(seen).toMatch(/^T(DC)?E$/);
      const fatal = answer.at(-1)!;
      expect(fatal.decoded).toMatchObject({ severity: "FATAL", code: "0A000" });
      expect(messageOf([fatal])).toBe(
        `Warden ended this session because the server changed ${setting} to ${value}: ${setting === "client_encoding" ? "client_encoding SJIS can hide ASCII characters inside multibyte ones" : "standard_conforming_strings off makes backslashes in strings escape characters"}, so PostgreSQL would read statements differently from Warden`,
      );
      // The client never learns the new setting from the gateway either.
      expect(answer.filter((m) => m.type === "S").map((m) => m.decoded?.parameterName)).not.toContain(setting);
      // What a hostile client sends next finds a closed session.
      c.send(queryOfBytes(attack));
      const after = await c.until(() => false, 2_000).catch(() => null);
      expect(c.isClosed).toBe(true);
      expect(types(after ?? [])).toBe("");
      expect(await countRows(p, "victims")).toBe(3);

      const { session, statements } = await endedSession(p.fx, app);
      expect(session.endReason).toBe(READING_CHANGED);
      // Recorded as the client saw it: completed, or (its answer dropped with the session) unknown.
      expect(statements.map((s) => [s.sql, s.status])).toEqual([[`select ${fn}()`, seen === "TDCE" ? "ok" : "unknown"]]);
      await expectUpstreamGone(p.target, app);
      expect(p.fx.logs).toContainEqual(expect.objectContaining({ level: "warn", msg: "the server changed how the session reads SQL; the session is ended", setting, value }));
    });
  }

  it("pipelined behind the function, the attack is already on its way: the session still ends with the FATAL, and nothing after it is answered", async () => {
    // The gateway forwards the second Query before the server reports the first one's change: the
    // window described in session/reading-guard.ts. Whether its DELETE ran is not asserted here (it
    // does today, as it would directly); what is: the guard ends the session and records both runs.
    const app = "reading-pipelined";
    const c = await p.open(app, p.agentToken);
    c.send(queryOfBytes(Buffer.from(`select ${FUNCTIONS.sjis}()`)), queryOfBytes(SJIS_ATTACK));
    const answer = await c.until((m) => m.type === "E" && m.decoded?.severity === "FATAL");
    expect(types(answer.filter((m) => m.type !== "N" && m.type !== "S"))).toMatch(/^T(DC)?E$/);
    expect(answer.at(-1)?.decoded).toMatchObject({ code: "0A000", message: expect.stringMatching(/^Warden ended this session because the server changed client_encoding to SJIS/) });
    expect(types((await c.until(() => false, 2_000).catch(() => null)) ?? [])).toBe("");
    expect(c.isClosed).toBe(true);
    const { session, statements } = await endedSession(p.fx, app);
    expect(session.endReason).toBe(READING_CHANGED);
    expect(statements).toHaveLength(2);
    expect(statements[1].status).toBe("unknown");
    await expectUpstreamGone(p.target, app);
  });

  it("a change to another ASCII-safe encoding (LATIN1) keeps the session, and Warden still reads what it runs", async () => {
    const app = "reading-latin1";
    const c = await p.open(app, p.agentToken);
    const answer = await simpleQuery(c, `select ${FUNCTIONS.latin1}()`);
    expect(types(answer)).toBe("TDCZ");
    expect(sqlStateOf(answer.find((m) => m.type === "E"))).toBeUndefined();
    const shown = await simpleQuery(c, "show client_encoding");
    expect(shown[1]?.decoded?.fields).toEqual(["LATIN1"]);
    // The SJIS attack's bytes under LATIN1: 0x95 is a character and 0x5c a backslash, as Warden reads them: one SELECT.
    c.send(queryOfBytes(SJIS_ATTACK));
    expect(types((await c.until((m) => m.type === "Z")).filter((m) => m.type !== "N"))).toBe("TDCZ");
    expect(await countRows(p, "victims")).toBe(3);
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    c.close();
    const { session, statements } = await endedSession(p.fx, app);
    expect(session.endReason).toBe("client_disconnected");
    expect(statements).toHaveLength(4);
  });
});
