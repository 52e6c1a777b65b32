import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { FORWARD } from "./hooks/gateway-hooks";
import { startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { functionCallFrame, functionResultOf, int4, int8 } from "./testing/function-call-frames";
import { RawClient, rowOf, sqlStateOf, types, type RawMessage } from "./testing/raw-client";
import { awaitHold, REVIEWER, settledStatements, simpleQuery, startProbeFixture, untilReady, upstreamBackends, type ProbeFixture } from "./testing/session-probes";

/**
 * Issue 9, item 5, attacked as a hostile agent would: the protocol's FunctionCall names a function
 * by OID, outside SQL. The gateway must judge each call as the SELECT of the function the target's
 * pg_proc names, so every dangerous function stays refused exactly as in SQL, while the client-side
 * large-object API works; it must record each call, refuse what PostgreSQL would refuse without
 * running anything, and survive malformed messages with the one connection closed.
 *
 * The target role is granted what the refused functions need, so a call the gateway let through
 * would succeed and show: a refusal here is the gateway's, not the server's permission check.
 */

const INV_WRITE = 0x20000;
const INV_READ = 0x40000;
const DANGEROUS = /reads server files, moves large objects, opens other connections or controls backends/;

type Oids = Record<string, number>;
const SIGNATURES = {
  lo_creat: "lo_creat(int4)",
  lo_create: "lo_create(oid)",
  lo_open: "lo_open(oid,int4)",
  lo_close: "lo_close(int4)",
  loread: "loread(int4,int4)",
  lowrite: "lowrite(int4,bytea)",
  lo_lseek: "lo_lseek(int4,int4,int4)",
  lo_lseek64: "lo_lseek64(int4,int8,int4)",
  lo_tell: "lo_tell(int4)",
  lo_tell64: "lo_tell64(int4)",
  lo_truncate: "lo_truncate(int4,int4)",
  lo_truncate64: "lo_truncate64(int4,int8)",
  lo_unlink: "lo_unlink(oid)",
  lo_import: "lo_import(text)",
  lo_import_with_oid: "lo_import(text,oid)",
  lo_export: "lo_export(oid,text)",
  pg_read_file: "pg_read_file(text)",
  pg_terminate_backend: "pg_terminate_backend(int4,int8)",
  set_config: "set_config(text,text,bool)",
  textcat: "textcat(text,text)",
  generate_series: "generate_series(int4,int4)",
  pg_backend_pid: "pg_backend_pid()",
};

/** Sends one FunctionCall and returns the messages up to its ReadyForQuery (without notices). */
async function call(c: RawClient, oid: number, args: (Buffer | null)[], opts: { formats?: number[]; resultFormat?: number } = {}): Promise<RawMessage[]> {
  c.send(functionCallFrame({ oid, formats: opts.formats ?? (args.length ? [1] : []), args, resultFormat: opts.resultFormat ?? 1 }));
  return untilReady(c);
}

const intResult = (ms: RawMessage[]) => {
  const v = ms.find((m) => m.type === "V");
  if (!v) throw new Error(`no FunctionCallResponse: ${types(ms)} ${String(ms.find((m) => m.type === "E")?.decoded?.message ?? "")}`);
  return functionResultOf(v.frame)!.readInt32BE(0);
};
const statusOf = (ms: RawMessage[]) => String.fromCharCode(ms.at(-1)!.frame[5]);
const errorOf = (ms: RawMessage[]) => {
  const e = ms.find((m) => m.type === "E");
  return e ? { code: sqlStateOf(e), message: String(e.decoded?.message) } : null;
};

describe("FunctionCall: the large-object API through the gateway, judged as SQL", () => {
  let p: ProbeFixture;
  let oids: Oids;
  let largeObjects: () => Promise<number>;

  beforeAll(async () => {
    p = await startProbeFixture();
    await p.target.query(`grant pg_read_server_files, pg_write_server_files, pg_signal_backend to ${p.fx.targetRole}`);
    await p.target.query(`create schema evil authorization ${p.fx.targetRole}`);
    // Same-named functions in another schema: each is judged as what it is, by its own row.
    await p.target.query(`create function evil.lo_open(oid, int4) returns int4 language sql as 'select 7'`);
    await p.target.query(`create function evil.pg_read_file(text) returns text language sql as 'select ''harmless'''`);
    await p.target.query(`grant usage on schema evil to public`);
    oids = {};
    for (const [name, signature] of Object.entries(SIGNATURES)) {
      oids[name] = Number((await p.target.query(`select '${signature}'::regprocedure::oid as oid`)).rows[0].oid);
    }
    oids.evil_lo_open = Number((await p.target.query(`select 'evil.lo_open(oid,int4)'::regprocedure::oid as oid`)).rows[0].oid);
    oids.evil_pg_read_file = Number((await p.target.query(`select 'evil.pg_read_file(text)'::regprocedure::oid as oid`)).rows[0].oid);
    largeObjects = async () => Number((await p.target.query("select count(*)::int as n from pg_largeobject_metadata")).rows[0].n);
  });
  afterAll(() => p?.close());

  it("runs the client-side API in a transaction and records each call as the SELECT it is", async () => {
    const c = await p.open("lo-roundtrip");
    expect(types(await simpleQuery(c, "begin"))).toBe("CZ");
    const loid = intResult(await call(c, oids.lo_creat, [int4(-1)]));
    const fd = intResult(await call(c, oids.lo_open, [int4(loid), int4(INV_READ | INV_WRITE)]));
    const data = Buffer.from("large object bytes through Warden");
    expect(intResult(await call(c, oids.lowrite, [int4(fd), data]))).toBe(data.length);
    expect(intResult(await call(c, oids.lo_tell, [int4(fd)]))).toBe(data.length);
    const tell64 = await call(c, oids.lo_tell64, [int4(fd)]);
    expect(functionResultOf(tell64.find((m) => m.type === "V")!.frame)!.readBigInt64BE(0)).toBe(BigInt(data.length));
    expect(intResult(await call(c, oids.lo_lseek, [int4(fd), int4(0), int4(0)]))).toBe(0);
    const read = await call(c, oids.loread, [int4(fd), int4(1000)]);
    expect(types(read)).toBe("VZ");
    expect(functionResultOf(read[0].frame)).toEqual(data);
    expect(intResult(await call(c, oids.lo_truncate, [int4(fd), int4(5)]))).toBe(0);
    expect(intResult(await call(c, oids.lo_truncate64, [int4(fd), int8(4)]))).toBe(0);
    const seek64 = await call(c, oids.lo_lseek64, [int4(fd), int8(0), int4(2)]);
    expect(functionResultOf(seek64[0].frame)!.readBigInt64BE(0)).toBe(4n);
    expect(intResult(await call(c, oids.lo_close, [int4(fd)]))).toBe(0);
    // Text arguments and a text result work too.
    const created = await call(c, oids.lo_create, [Buffer.from("0")], { formats: [0], resultFormat: 0 });
    const second = Number(functionResultOf(created[0].frame)!.toString());
    expect(second).toBeGreaterThan(0);
    expect(statusOf(created)).toBe("T");
    expect(types(await simpleQuery(c, "commit"))).toBe("CZ");
    const direct = await p.target.query("select encode(lo_get($1), 'escape') as v", [loid]);
    expect(direct.rows[0].v).toBe("larg");
    expect(intResult(await call(c, oids.lo_unlink, [int4(loid)]))).toBe(1);
    expect(intResult(await call(c, oids.lo_unlink, [int4(second)]))).toBe(1);

    const rows = await settledStatements(p.fx, "lo-roundtrip", 16);
    const calls = rows.filter((r) => r.sql.startsWith("SELECT"));
    expect(calls.map((r) => r.sql)).toEqual([
      "SELECT pg_catalog.lo_creat($1)",
      "SELECT pg_catalog.lo_open($1, $2)",
      "SELECT pg_catalog.lowrite($1, $2)",
      "SELECT pg_catalog.lo_tell($1)",
      "SELECT pg_catalog.lo_tell64($1)",
      "SELECT pg_catalog.lo_lseek($1, $2, $3)",
      "SELECT pg_catalog.loread($1, $2)",
      "SELECT pg_catalog.lo_truncate($1, $2)",
      "SELECT pg_catalog.lo_truncate64($1, $2)",
      "SELECT pg_catalog.lo_lseek64($1, $2, $3)",
      "SELECT pg_catalog.lo_close($1)",
      "SELECT pg_catalog.lo_create($1)",
      "SELECT pg_catalog.lo_unlink($1)",
      "SELECT pg_catalog.lo_unlink($1)",
    ]);
    for (const r of calls) expect(r, r.sql).toMatchObject({ status: "ok", decision: "forward", protocol: "extended" });
    const write = calls[2];
    expect(write.kind).toBe("write");
    expect(write.params).toEqual([
      { format: "binary", value: int4(fd).toString("base64"), typeOid: 23 },
      { format: "binary", value: data.toString("base64"), typeOid: 17 },
    ]);
    expect(calls.find((r) => r.sql.includes("loread"))).toMatchObject({ kind: "read", rows: [[data.toString("base64")]], resultRowCount: 1, columns: [{ name: "loread", typeOid: 17, format: "binary" }] });
    expect(calls.find((r) => r.sql.includes("lo_create"))).toMatchObject({ kind: "write", params: [{ format: "text", value: "0", typeOid: 26 }], rows: [[String(second)]] });
    expect(calls.find((r) => r.sql.includes("lo_creat("))?.kind).toBe("write");
    expect(calls.find((r) => r.sql.includes("lo_open"))?.kind).toBe("read");
  });

  it("refuses every dangerous function called by OID, as in SQL, and runs none of them", async () => {
    const c = await p.open("lo-dangerous");
    const before = await largeObjects();
    const exported = path.join(os.tmpdir(), `warden-lo-export-${process.pid}-${Date.now()}`);
    // The victim is another gateway session's backend, of the target role itself: a forwarded pg_terminate_backend would end it.
    const victim = await p.open("lo-victim");
    const [victimBackend] = await upstreamBackends(p.target, "lo-victim");
    const victimPid = victimBackend.pid;
    const calls: [string, number, (Buffer | null)[], number[]][] = [
      ["pg_read_file", oids.pg_read_file, [Buffer.from("/etc/hostname")], [0]],
      ["lo_import", oids.lo_import, [Buffer.from("/etc/hostname")], [0]],
      ["lo_import", oids.lo_import_with_oid, [Buffer.from("/etc/hostname"), Buffer.from("424242")], [0]],
      ["lo_export", oids.lo_export, [Buffer.from("1"), Buffer.from(exported)], [0]],
      ["pg_terminate_backend", oids.pg_terminate_backend, [Buffer.from(String(victimPid)), Buffer.from("0")], [0]],
      ["set_config", oids.set_config, [Buffer.from("statement_timeout"), Buffer.from("1"), Buffer.from("false")], [0]],
      ["evil.pg_read_file", oids.evil_pg_read_file, [Buffer.from("x")], [0]],
    ];
    for (const [name, oid, args, formats] of calls) {
      const answer = await call(c, oid, args, { formats, resultFormat: 0 });
      expect(types(answer), name).toBe("EZ");
      expect(errorOf(answer), name).toEqual({ code: "42501", message: expect.stringMatching(DANGEROUS) });
      expect(statusOf(answer)).toBe("I");
    }
    expect(await largeObjects()).toBe(before);
    expect(fs.existsSync(exported)).toBe(false);
    expect(types(await simpleQuery(victim, "select 1"))).toBe("TDCZ");
    const shown = await simpleQuery(c, "show statement_timeout");
    expect(rowOf(shown.find((m) => m.type === "D")!)).toEqual(["0"]);

    const rows = await settledStatements(p.fx, "lo-dangerous", calls.length + 1);
    const refused = rows.slice(0, calls.length);
    expect(refused.map((r) => r.sql)).toEqual([
      "SELECT pg_catalog.pg_read_file($1)",
      "SELECT pg_catalog.lo_import($1)",
      "SELECT pg_catalog.lo_import($1, $2)",
      "SELECT pg_catalog.lo_export($1, $2)",
      "SELECT pg_catalog.pg_terminate_backend($1, $2)",
      "SELECT pg_catalog.set_config($1, $2, $3)",
      "SELECT evil.pg_read_file($1)",
    ]);
    for (const r of refused) {
      expect(r, r.sql).toMatchObject({ decision: "block", status: "blocked", errorCode: "42501" });
      expect(r.flags, r.sql).toContain("dangerous_function");
    }
    expect(refused[0].params).toEqual([{ format: "text", value: "/etc/hostname", typeOid: 25 }]);
  });

  it("records a large result capped, as any result, and passes all of it to the client", async () => {
    // Over the recording's default cap of 256 KiB per result (the policy's recording.resultByteCap).
    const big = Buffer.alloc(300_000, 7);
    const loid = Number((await p.target.query(`select lo_from_bytea(0, $1) as oid`, [big])).rows[0].oid);
    await p.target.query(`alter large object ${loid} owner to ${p.fx.targetRole}`);
    const c = await p.open("lo-big-read");
    await simpleQuery(c, "begin");
    const fd = intResult(await call(c, oids.lo_open, [int4(loid), int4(INV_READ)]));
    const read = await call(c, oids.loread, [int4(fd), int4(400_000)]);
    expect(functionResultOf(read[0].frame)).toEqual(big);
    await simpleQuery(c, "commit");
    const rows = await settledStatements(p.fx, "lo-big-read", 4);
    expect(rows[2]).toMatchObject({ sql: "SELECT pg_catalog.loread($1, $2)", status: "ok", rows: [], rowsTruncated: true, resultRowCount: 1 });
  });

  it("judges a same-named function in another schema by its own row", async () => {
    const c = await p.open("lo-evil-schema");
    const answer = await call(c, oids.evil_lo_open, [int4(1), int4(INV_READ)]);
    expect(intResult(answer)).toBe(7);
    const [row] = await settledStatements(p.fx, "lo-evil-schema", 1);
    expect(row.sql).toBe("SELECT evil.lo_open($1, $2)");
  });

  it("refuses an OID the target does not have, and what PostgreSQL refuses before running anything, with its codes", async () => {
    const c = await p.open("lo-refusals");
    const missing = await call(c, 999_999_999, [int4(1)]);
    expect(errorOf(missing)).toEqual({ code: "42883", message: "function with OID 999999999 does not exist" });
    expect(errorOf(await call(c, 0, []))).toEqual({ code: "42883", message: "function with OID 0 does not exist" });
    expect(errorOf(await call(c, oids.lo_creat, [int4(-1), int4(2)]))).toEqual({ code: "08P01", message: "function call message contains 2 arguments but function requires 1" });
    expect(errorOf(await call(c, oids.lo_creat, [int4(-1)], { formats: [7] }))).toEqual({ code: "22023", message: "unsupported format code: 7" });
    expect(errorOf(await call(c, oids.lo_creat, [int4(-1)], { resultFormat: 2 }))).toEqual({ code: "22023", message: "unsupported format code: 2" });
    expect(errorOf(await call(c, oids.generate_series, [int4(1), int4(2)]))).toEqual({ code: "0A000", message: 'cannot call function "generate_series" via fastpath interface' });
    // 16-bit counts at their limit: well-formed, refused for the function's real argument count.
    const many = Array<Buffer | null>(65535).fill(null);
    c.send(functionCallFrame({ oid: oids.lo_creat, args: many }));
    expect(errorOf(await untilReady(c))).toEqual({ code: "08P01", message: "function call message contains 65535 arguments but function requires 1" });
    c.send(functionCallFrame({ oid: oids.lo_creat, formats: Array(65535).fill(1), args: many }));
    expect(errorOf(await untilReady(c))).toEqual({ code: "08P01", message: "function call message contains 65535 arguments but function requires 1" });
    // The session is usable, nothing was created.
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    const rows = await settledStatements(p.fx, "lo-refusals", 9);
    expect(rows.slice(0, 8).map((r) => [r.decision, r.status, r.errorCode])).toEqual(
      ["42883", "42883", "08P01", "22023", "22023", "0A000", "08P01", "08P01"].map((code) => ["block", "blocked", code]),
    );
    expect(rows[0].sql).toBe("/* FunctionCall of function OID 999999999, which the target does not have */");
    expect(rows[0].errorCode).toBe("42883");
  });

  it("answers like PostgreSQL in an aborted transaction, and a refusal aborts the transaction as a failed call does", async () => {
    const c = await p.open("lo-aborted");
    await simpleQuery(c, "begin");
    await simpleQuery(c, "select 1/0");
    const allowed = await call(c, oids.lo_creat, [int4(-1)]);
    expect(errorOf(allowed)?.code).toBe("25P02");
    expect(statusOf(allowed)).toBe("E");
    const refused = await call(c, oids.pg_read_file, [Buffer.from("/etc/hostname")], { formats: [0] });
    expect(errorOf(refused)?.code).toBe("25P02");
    expect(statusOf(refused)).toBe("E");
    await simpleQuery(c, "rollback");
    await simpleQuery(c, "begin");
    const inBlock = await call(c, oids.pg_read_file, [Buffer.from("/etc/hostname")], { formats: [0] });
    expect(errorOf(inBlock)).toMatchObject({ code: "42501" });
    expect(statusOf(inBlock)).toBe("E");
    expect(errorOf(await simpleQuery(c, "select 1"))?.code).toBe("25P02");
    expect(types(await simpleQuery(c, "rollback"))).toBe("CZ");
  });

  it("answers a call inside an extended-protocol pipeline where PostgreSQL does, and skips it after an error as PostgreSQL does", async () => {
    const gw = await p.open("lo-pipeline");
    const { client: direct } = await RawClient.signInDirect(p.fx.targetAdminUrl);
    try {
      const pipeline = (fcall: Buffer, sql: string) => [serialize.parse({ text: sql }), serialize.bind({}), serialize.execute({}), fcall, serialize.sync()];
      const shape = (ms: RawMessage[]) => ms.map((m) => (m.type === "Z" ? `Z${String.fromCharCode(m.frame[5])}` : m.type === "E" ? `E${sqlStateOf(m)}` : m.type)).join(" ");
      const both = async (frames: Buffer[], readies: number) => {
        gw.send(...frames);
        direct.send(...frames);
        return [shape(await gw.readyCount(readies)), shape(await direct.readyCount(readies))];
      };
      // A fresh session for each (PostgreSQL 18 itself trips over a pipeline after one with a call in it).
      const [viaGateway, viaServer] = await both(pipeline(functionCallFrame({ oid: oids.pg_backend_pid }), "select 1"), 2);
      expect(viaGateway).toBe(viaServer);
      expect(viaGateway).toBe("1 2 D C V ZT ZI");
      const gw2 = await p.open("lo-pipeline-error");
      const { client: direct2 } = await RawClient.signInDirect(p.fx.targetAdminUrl);
      const failing = pipeline(functionCallFrame({ oid: oids.lo_creat, formats: [1], args: [int4(-1)] }), "select 1/0");
      gw2.send(...failing);
      direct2.send(...failing);
      expect(shape(await gw2.readyCount(1))).toBe(shape(await direct2.readyCount(1)));
      direct2.close();
      const rows = await settledStatements(p.fx, "lo-pipeline-error", 2);
      expect(rows.map((r) => [r.sql, r.status])).toEqual([
        ["select 1/0", "error"],
        ["SELECT pg_catalog.lo_creat($1)", "skipped"],
      ]);
      // A refused call mid-pipeline fails in place, as a failing call does on the server, and the pipeline goes on.
      const gw3 = await p.open("lo-pipeline-refused");
      const { client: direct3 } = await RawClient.signInDirect(p.fx.targetAdminUrl);
      gw3.send(...pipeline(functionCallFrame({ oid: oids.pg_read_file, formats: [0], args: [Buffer.from("/etc/hostname")], resultFormat: 0 }), "select 1"));
      direct3.send(...pipeline(functionCallFrame({ oid: 999_999_999, formats: [0], args: [Buffer.from("/etc/hostname")], resultFormat: 0 }), "select 1"));
      const refusedShape = shape(await gw3.readyCount(2));
      expect(refusedShape).toMatch(/^1 2 D C E42501 Z/);
      expect(refusedShape.replace("E42501", "E")).toBe(shape(await direct3.readyCount(2)).replace("E42883", "E"));
      direct3.close();
    } finally {
      direct.close();
    }
  });

  it("closes only the connection that sends a malformed call, with an ErrorResponse", async () => {
    const bystander = await p.open("lo-bystander");
    const broken = [
      functionCallFrame({ oid: oids.lo_creat, args: [int4(-1)], argCount: 3 }),
      functionCallFrame({ oid: oids.lo_open, formats: [1, 1, 1], args: [int4(1), int4(1)] }),
      functionCallFrame({ oid: oids.lo_creat, args: [int4(-1)], trailing: Buffer.from("xx") }),
      functionCallFrame({ oid: oids.lo_creat, formats: [], formatCount: 65535, args: [] }),
      (() => {
        const f = functionCallFrame({ oid: oids.lowrite, formats: [1], args: [int4(0), Buffer.from("abc")] });
        f.writeInt32BE(-7, 5 + 4 + 2 + 2 + 2 + 4 + 4);
        return f;
      })(),
    ];
    for (const [i, frame] of broken.entries()) {
      const c = await p.open(`lo-broken-${i}`);
      c.send(frame);
      const answer = await c.until(() => false, 3000).catch(() => c.take());
      expect(c.isClosed, `message ${i}`).toBe(true);
      expect(answer.map((m) => [m.type, sqlStateOf(m), m.decoded?.severity]), `message ${i}`).toEqual([["E", "08P01", "FATAL"]]);
    }
    expect(types(await simpleQuery(bystander, "select 1"))).toBe("TDCZ");
  });

  it("masks a call's result like a SELECT's, in what the client gets and what is recorded", async () => {
    const c = await p.open("lo-masked");
    const card = "4111 1111 1111 1111";
    const answer = await call(c, oids.textcat, [Buffer.from("card "), Buffer.from(card)], { formats: [0], resultFormat: 0 });
    expect(types(answer)).toBe("VZ");
    const shown = functionResultOf(answer[0].frame)!.toString();
    expect(shown).toMatch(/^card /);
    expect(shown).not.toContain(card);
    const [row] = await settledStatements(p.fx, "lo-masked", 1);
    expect(row.sql).toBe("SELECT pg_catalog.textcat($1, $2)");
    expect(row.rows).toHaveLength(1);
    expect(JSON.stringify(row.rows)).not.toContain(card);
    expect(row.maskedColumns?.[0]).toMatchObject({ name: "textcat", matchedBy: "detector" });
  });

  it("holds an agent's large-object write for a reviewer, then runs or refuses it", async () => {
    const c = await p.open("lo-agent", p.agentToken);
    const before = await largeObjects();
    c.send(functionCallFrame({ oid: oids.lo_creat, formats: [1], args: [int4(-1)] }));
    const request = await awaitHold(p, c, "lo-agent", /lo_creat/, "LO_CREAT");
    expect(request.sql).toBe("SELECT pg_catalog.lo_creat($1)");
    await decideApproval(p.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
    const ran = await untilReady(c);
    expect(types(ran)).toBe("VZ");
    expect(await largeObjects()).toBe(before + 1);
    c.send(functionCallFrame({ oid: oids.lo_unlink, formats: [1], args: [int4(intResult(ran))] }));
    const second = await awaitHold(p, c, "lo-agent", /lo_unlink/, "LO_UNLINK");
    await decideApproval(p.fx.db, { requestId: second.id, reviewer: REVIEWER, decision: "reject", comment: "keep it, card 4111 1111 1111 1111" });
    const refused = await untilReady(c);
    expect(errorOf(refused)?.code).toBe("42501");
    // Warden's words and the reviewer as written; the comment's data masked, as in SQL's refusals.
    expect(errorOf(refused)?.message).toBe(`Rejected by ${REVIEWER.email} (approval request ${second.id}): keep it, card **** **** **** 1111`);
    expect(await largeObjects()).toBe(before + 1);
  });
});

describe("FunctionCall when the function cannot be looked up", () => {
  let fx: GatewayFixture;
  let lookups = 0;
  let isCatalogDown = true;

  beforeAll(async () => {
    fx = await startGatewayFixture({
      hooks: {
        decideStatement: () => FORWARD,
        describeFunction: async (_session, oid) => {
          lookups++;
          if (isCatalogDown) throw new Error("catalog unreachable");
          return { oid, schema: "pg_catalog", name: "pg_backend_pid", argTypes: [], returnType: 23, kind: "f", returnsSet: false };
        },
      },
    });
  });
  afterAll(() => fx?.close());

  it("refuses the call, runs nothing, and keeps the session; the next call asks again", async () => {
    const { client: c } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    const pidOid = 2026; // pg_backend_pid
    const refused = await call(c, pidOid, []);
    expect(errorOf(refused)).toEqual({ code: "57P03", message: `Warden could not look up the function with OID ${pidOid}, so the call was not run: the target's catalog could not be read; try again` });
    isCatalogDown = false;
    expect(types(await call(c, pidOid, []))).toBe("VZ");
    expect(lookups).toBe(2);
    c.close();
  });

  it("a gateway whose hooks cannot look functions up refuses every call (0A000)", async () => {
    await fx.restartGateway({ hooks: { decideStatement: () => FORWARD } });
    const { client: c } = await RawClient.signIn(fx.gateway.port, fx.email, fx.connectionName, fx.token);
    const refused = await call(c, 2026, []);
    expect(errorOf(refused)?.code).toBe("0A000");
    expect(types(await simpleQuery(c, "select 1"))).toBe("TDCZ");
    c.close();
  });
});
