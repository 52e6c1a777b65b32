import { serialize } from "pg-protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "@/lib/policy/classify-statement";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { WRITING_KINDS } from "@/lib/policy/is-session-read-only";
import { policyDocumentSchema, type PolicyDocument } from "@/lib/policy/policy-document";
import { savePolicy } from "./approvals/testing/approval-fixtures";
import { READ_ONLY_TURNED_OFF } from "./session/reading-guard";
import { functionCallFrame } from "./testing/function-call-frames";
import { RawClient, rowOf, sqlStateOf, types, type RawMessage } from "./testing/raw-client";
import { countRows, createOwnedTable, endedSession, expectUpstreamGone, simpleQuery, sleep, startProbeFixture, untilReady, type ProbeFixture } from "./testing/session-probes";

/**
 * Read-only that holds: attacks on a read-only session, through a real gateway to a real
 * PostgreSQL. Read-only MCP servers have been escaped with `COMMIT; ...` and with functions that
 * write, called from a SELECT. A read-only session (here: an agent, under a guardrail that blocks
 * every writing kind for agents) must be held read-only by PostgreSQL as well as by the classifier.
 */

/** Functions the target's owner wrote, as they exist in real databases; a read-only session cannot create any. */
const FN = {
  /** Writes a row: `SELECT warden_write(n)` is a read to any classifier. */
  write: "warden_write",
  /** Turns the session's read-only default off where Warden cannot see. */
  readOnlyOff: "warden_read_only_off",
} as const;

const agentsReadOnly: PolicyDocument = policyDocumentSchema.parse({
  ...defaultPolicy(),
  guardrails: [
    ...defaultPolicy().guardrails,
    { id: "agents-read-only", name: "Agents only read", isEnabled: true, match: { actorKinds: ["agent"], kinds: [...WRITING_KINDS] }, message: "Agents only read on this connection." },
  ],
});

const errorOf = (ms: readonly RawMessage[]) => ms.find((m) => m.type === "E");
const messageOf = (ms: readonly RawMessage[]) => String(errorOf(ms)?.decoded?.message ?? "");
const valuesOf = (ms: readonly RawMessage[]) => ms.filter((m) => m.type === "D").map((m) => rowOf(m)[0]);

/** Parse, Bind, Execute of one statement (the unnamed ones unless named). */
function extended(sql: string, statement = ""): Buffer[] {
  return [serialize.parse({ name: statement, text: sql }), serialize.bind({ statement }), serialize.execute({})];
}

describe("gateway: read-only that holds", () => {
  let p: ProbeFixture;
  let seq = 0;
  const app = (what: string) => `ro-${what}-${++seq}`;
  const victims = () => countRows(p, "victims");

  beforeAll(async () => {
    p = await startProbeFixture();
    await loadClassifier();
    await p.target.query(`create function ${FN.write}(n int) returns int language plpgsql as $$ begin insert into victims values (n, 'written'); return n; end $$`);
    await p.target.query(`create function ${FN.readOnlyOff}() returns text language plpgsql as $$ begin perform set_config('default_transaction_read_only', 'off', false); return 'ok'; end $$`);
    await p.target.query(`create sequence victims_seq`);
    for (const f of [`function ${FN.write}(int)`, `function ${FN.readOnlyOff}()`, "sequence victims_seq"]) await p.target.query(`alter ${f} owner to ${p.fx.targetRole}`);
    await savePolicy(p.fx.db, p.fx.connectionId, agentsReadOnly);
  });
  beforeEach(() => createOwnedTable(p, "victims", 3));
  afterAll(() => p?.close());

  /** An agent's session (read-only under the policy), checked to be one. */
  const agentSession = async (what: string) => {
    const name = app(what);
    const c = await p.open(name, p.agentToken);
    return { c, name };
  };

  it("premise: the classifier reads a writing function called from SELECT as a read, and without the server's read-only mode it writes", async () => {
    expect(classifySql(`select ${FN.write}(10)`)).toMatchObject({ isParsed: true, statements: [{ kind: "read", flags: [] }] });
    // A person's session under the same policy is not read-only: the function runs and writes.
    const c = await p.open(app("human-writes"), p.humanToken);
    expect(valuesOf(await simpleQuery(c, `select ${FN.write}(10)`))).toEqual(["10"]);
    expect(await victims()).toBe(4);
  });

  it("the agent's upstream session runs with default_transaction_read_only=on, and RESET, RESET ALL, SET ... TO DEFAULT, DISCARD ALL keep it on", async () => {
    const { c } = await agentSession("setting");
    const show = async () => valuesOf(await simpleQuery(c, "show default_transaction_read_only"));
    expect(await show()).toEqual(["on"]);
    for (const sql of ["reset all", "discard all", "reset default_transaction_read_only", "set default_transaction_read_only to default", "set default_transaction_read_only = on"]) {
      const answer = await simpleQuery(c, sql);
      expect(errorOf(answer), sql).toBeUndefined();
      expect(await show(), sql).toEqual(["on"]);
    }
    expect(valuesOf(await simpleQuery(c, "show transaction_read_only"))).toEqual(["on"]);
    const human = await p.open(app("human-setting"), p.humanToken);
    expect(valuesOf(await simpleQuery(human, "show default_transaction_read_only"))).toEqual(["off"]);
  });

  /** What turns PostgreSQL's read-only mode off: refused with 25006 by the gateway, in both protocols. */
  const TURN_OFF = [
    "set default_transaction_read_only = off",
    "SET SESSION DEFAULT_TRANSACTION_READ_ONLY TO 'f'",
    'set "default_transaction_read_only" = \'of\'',
    "set default_transaction_read_only = 0",
    "set local transaction_read_only = off",
    "set transaction read write",
    "set transaction isolation level serializable, read write",
    "set session characteristics as transaction read write",
    "begin read write",
    "start transaction isolation level repeatable read, read write",
    "select set_config('default_transaction_read_only', 'off', false)",
    "select set_config('transaction_read_only', 'no', true)",
  ];

  it("simple protocol: every way to turn read-only mode off is refused with 25006, the session stays usable and read-only", async () => {
    const { c } = await agentSession("turn-off-simple");
    for (const sql of TURN_OFF) {
      const answer = await simpleQuery(c, sql);
      expect(sqlStateOf(errorOf(answer)), sql).toBe("25006");
      expect(messageOf(answer), sql).toMatch(/read-only through Warden/);
      await simpleQuery(c, "rollback");
      expect(valuesOf(await simpleQuery(c, "show default_transaction_read_only")), sql).toEqual(["on"]);
    }
    // Inside a transaction block too.
    expect(sqlStateOf(errorOf(await simpleQuery(c, "begin; set transaction read write")))).toBe("25006");
    await simpleQuery(c, "rollback");
    expect(valuesOf(await simpleQuery(c, "select 42"))).toEqual(["42"]);
  });

  it("extended protocol: the same, each at its Execute", async () => {
    const { c } = await agentSession("turn-off-extended");
    for (const sql of TURN_OFF) {
      c.send(...extended(sql), serialize.sync());
      const answer = await untilReady(c);
      expect(sqlStateOf(errorOf(answer)), sql).toBe("25006");
      await simpleQuery(c, "rollback");
      expect(valuesOf(await simpleQuery(c, "show default_transaction_read_only")), sql).toEqual(["on"]);
    }
  });

  it("writes after COMMIT or ROLLBACK in one query string, COPY FROM, DO, ALTER ROLE ... SET are refused; the table is unchanged", async () => {
    const { c } = await agentSession("writes");
    for (const sql of [
      "commit; delete from victims",
      "rollback; begin read write; delete from victims",
      "commit; set default_transaction_read_only = off; insert into victims values (9, 'x')",
      "begin read only; commit; update victims set v = 'x'",
      "copy victims from stdin",
      "do $$ begin insert into victims values (9, 'x'); end $$",
      "alter role current_user set default_transaction_read_only = off",
      "alter database current set default_transaction_read_only = off",
      "insert into victims values (9, 'x')",
      "with d as (delete from victims returning *) select count(*) from d",
    ]) {
      const answer = await simpleQuery(c, sql);
      expect(["25006", "42501"], sql).toContain(sqlStateOf(errorOf(answer)));
      await simpleQuery(c, "rollback");
    }
    expect(await victims()).toBe(3);
    expect(valuesOf(await simpleQuery(c, "show default_transaction_read_only"))).toEqual(["on"]);
  });

  it("a writing function called from SELECT fails on the server with 25006, in both protocols, and as a prepared statement; the row is not written", async () => {
    const { c } = await agentSession("function");
    const simple = await simpleQuery(c, `select ${FN.write}(11)`);
    expect(errorOf(simple)?.decoded).toMatchObject({ code: "25006", message: "cannot execute INSERT in a read-only transaction" });
    c.send(...extended(`select ${FN.write}($1::int)`, "w").slice(0, 1), serialize.bind({ statement: "w", values: ["12"] }), serialize.execute({}), serialize.sync());
    expect(sqlStateOf(errorOf(await untilReady(c)))).toBe("25006");
    expect(sqlStateOf(errorOf(await simpleQuery(c, `prepare wr as select ${FN.write}(13)`)))).toBeUndefined();
    expect(sqlStateOf(errorOf(await simpleQuery(c, "execute wr")))).toBe("25006");
    // Inside an explicit transaction, a read-only one is all BEGIN gives.
    expect(sqlStateOf(errorOf(await simpleQuery(c, `begin; select ${FN.write}(14)`)))).toBe("25006");
    await simpleQuery(c, "rollback");
    // Other writes a SELECT can make: a sequence, a large object. An advisory lock is not a write.
    expect(sqlStateOf(errorOf(await simpleQuery(c, "select nextval('victims_seq')")))).toBe("25006");
    expect(["25006", "42501"]).toContain(sqlStateOf(errorOf(await simpleQuery(c, "select lo_create(0)"))));
    expect(valuesOf(await simpleQuery(c, "select pg_advisory_lock(1)::text"))).toEqual([""]);
    expect(await victims()).toBe(3);
    expect(Number((await p.target.query("select count(*)::int as n from pg_largeobject_metadata")).rows[0].n)).toBe(0);
  });

  it("the fast path (FunctionCall): a writing function fails on the server, set_config of the read-only setting is refused", async () => {
    const { c } = await agentSession("fast-path");
    const oid = async (signature: string) => Number((await p.target.query("select $1::regprocedure::oid as oid", [signature])).rows[0].oid);
    const text = (v: string) => Buffer.from(v);
    c.send(functionCallFrame({ oid: await oid(`${FN.write}(int)`), formats: [0], args: [text("50")], resultFormat: 0 }));
    expect(sqlStateOf(errorOf(await untilReady(c)))).toBe("25006");
    // Judged as `SELECT set_config($1, $2, $3)`: a name Warden cannot read, refused (the default policy's
    // "dangerous functions" guardrail answers first, with 42501; without it, the read-only rule, 25006).
    c.send(functionCallFrame({ oid: await oid("set_config(text,text,boolean)"), formats: [0], args: [text("default_transaction_read_only"), text("off"), text("false")], resultFormat: 0 }));
    expect(["25006", "42501"]).toContain(sqlStateOf(errorOf(await untilReady(c))));
    expect(valuesOf(await simpleQuery(c, "show default_transaction_read_only"))).toEqual(["on"]);
    expect(await victims()).toBe(3);
  });

  it("a function that turns read-only mode off where Warden cannot see ends the session (FATAL 25006, recorded), before anything else runs", async () => {
    const { c, name } = await agentSession("off-function");
    c.send(serialize.query(`select ${FN.readOnlyOff}()`));
    const answer = await c.until((m) => m.type === "Z" || (m.type === "E" && m.decoded?.severity === "FATAL"));
    const fatal = answer.at(-1)!;
    expect(fatal.decoded).toMatchObject({ severity: "FATAL", code: "25006", message: "Warden ended this read-only session because the server turned default_transaction_read_only off" });
    c.send(serialize.query(`select ${FN.write}(15)`));
    await sleep(300);
    expect(c.isClosed).toBe(true);
    expect(await victims()).toBe(3);
    const { session } = await endedSession(p.fx, name);
    expect(session.endReason).toBe(READ_ONLY_TURNED_OFF);
    await expectUpstreamGone(p.target, name);
  });

  describe("the windows before the server reports the change: one query string, pipelined queries, an extended pipeline", () => {
    /** The attacks, straight to PostgreSQL in a session that starts read-only: each writes. */
    const ATTACKS: { name: string; frames: (n: number) => Buffer[] }[] = [
      { name: "one query string: SELECT f(); COMMIT; SELECT write()", frames: (n) => [serialize.query(`select ${FN.readOnlyOff}(); commit; select ${FN.write}(${n})`)] },
      { name: "pipelined queries", frames: (n) => [serialize.query(`select ${FN.readOnlyOff}()`), serialize.query(`select ${FN.write}(${n})`)] },
      {
        name: "extended: Execute f, Execute COMMIT, Execute write, then Sync",
        frames: (n) => [...extended(`select ${FN.readOnlyOff}()`), ...extended("commit"), ...extended(`select ${FN.write}(${n})`), serialize.sync()],
      },
      { name: "extended: two pipelined batches", frames: (n) => [...extended(`select ${FN.readOnlyOff}()`), serialize.sync(), ...extended(`select ${FN.write}(${n})`), serialize.sync()] },
    ];

    it("premise: straight to PostgreSQL, in a session that starts with default_transaction_read_only=on, each attack writes", async () => {
      for (const [i, attack] of ATTACKS.entries()) {
        await createOwnedTable(p, "victims", 3);
        const { client: d } = await RawClient.signInDirect(p.fx.targetAdminUrl, { default_transaction_read_only: "on" });
        try {
          d.send(...attack.frames(20 + i));
          await d.readyCount(attack.frames(0).filter((f) => f[0] === 0x51 || f[0] === 0x53).length);
        } finally {
          d.close();
        }
        expect(await victims(), attack.name).toBe(4);
      }
    });

    for (const [i, attack] of ATTACKS.entries()) {
      it(`through the gateway: ${attack.name} writes nothing, and the session ends`, async () => {
        const { c, name } = await agentSession(`window-${i}`);
        c.send(...attack.frames(30 + i));
        const answer = await c.until((m) => m.type === "E" && m.decoded?.severity === "FATAL", 10_000);
        expect(answer.at(-1)?.decoded).toMatchObject({ severity: "FATAL", code: "25006" });
        await sleep(200);
        expect(c.isClosed).toBe(true);
        expect(await victims()).toBe(3);
        const { session } = await endedSession(p.fx, name);
        expect(session.endReason).toBe(READ_ONLY_TURNED_OFF);
      });
    }
  });

  it("a read-only session cannot start read-write: startup parameters and options that turn it off are refused", async () => {
    const refused: Record<string, string>[] = [{ options: "-c default_transaction_read_only=off" }, { default_transaction_read_only: "0" }, { Default_Transaction_Read_Only: "false" }, { options: "--default-transaction-read-only=no" }];
    for (const extra of refused) {
      const { client, startup } = await RawClient.signIn(p.fx.gateway.port, p.fx.email, p.fx.connectionName, p.agentToken, undefined, { application_name: app("startup"), ...extra });
      client.close();
      expect(startup.at(-1)?.decoded, JSON.stringify(extra)).toMatchObject({ severity: "FATAL", code: "42501" });
    }
    // Asking for on is fine, and stays on.
    const { client, startup } = await RawClient.signIn(p.fx.gateway.port, p.fx.email, p.fx.connectionName, p.agentToken, undefined, { application_name: app("startup-on"), options: "-c default_transaction_read_only=on" });
    expect(types(startup.slice(-1))).toBe("Z");
    expect(valuesOf(await simpleQuery(client, "show default_transaction_read_only"))).toEqual(["on"]);
    client.close();
  });

  it("a read-only connection (access.isReadOnly) holds for people the same way", async () => {
    await savePolicy(p.fx.db, p.fx.connectionId, policyDocumentSchema.parse({ ...defaultPolicy(), access: { isReadOnly: true, agentRowCap: null } }));
    try {
      const c = await p.open(app("connection-read-only"), p.humanToken);
      expect(valuesOf(await simpleQuery(c, "show default_transaction_read_only"))).toEqual(["on"]);
      expect(sqlStateOf(errorOf(await simpleQuery(c, `select ${FN.write}(40)`)))).toBe("25006");
      expect(sqlStateOf(errorOf(await simpleQuery(c, "begin read write")))).toBe("25006");
      await simpleQuery(c, "rollback");
      expect(sqlStateOf(errorOf(await simpleQuery(c, "commit; delete from victims")))).toBe("25006");
      expect(await victims()).toBe(3);
    } finally {
      await savePolicy(p.fx.db, p.fx.connectionId, agentsReadOnly);
    }
  });
});
