import type { CommandCompleteMessage, NoticeMessage } from "pg-protocol/dist/messages";
import { describe, expect, it } from "vitest";
import { decodeBackendFrame, encodeDataRow } from "../protocol/backend-decoders";
import type { ResultPolicy, StatementContext } from "../hooks/gateway-hooks";
import { passCopyData, passDataRow, rowCapReply } from "./result-stream";
import { StatementRun } from "./statement-run";

const ctx = (sql: string): StatementContext & { seq: number } => ({
  session: { id: "s", userName: "a@example.com", actorKind: "agent", agentName: "bot", groups: [], authMethod: "token", connection: { id: "c", name: "orders" }, applicationName: null, clientAddress: "127.0.0.1" },
  statementId: "st",
  protocol: "simple",
  sql,
  params: null,
  classification: { sql, kind: "read", command: "SelectStmt", relations: [], fingerprint: null, flags: [] },
  parseError: null,
  seq: 1,
});

function runWith(result: ResultPolicy | undefined, sql = "select g from generate_series(1, 10) g"): StatementRun {
  const run = new StatementRun(ctx(sql), { maxRows: 100, maxBytes: 65_536 });
  run.decide(result ? { action: "forward", result } : { action: "forward" }, false);
  run.setColumns([{ name: "g", typeOid: 23, tableOid: 0, columnNumber: 0, format: "text" }], []);
  return run;
}

const row = (v: string) => encodeDataRow([Buffer.from(v)]);
const tagFrame = (tag: string) => {
  const f = Buffer.alloc(6 + tag.length);
  f[0] = 0x43;
  f.writeInt32BE(5 + tag.length, 1);
  f.write(tag, 5);
  return f;
};

describe("result stream under the agent row cap", () => {
  it("sends the first rows up to the cap, counts the rest, and keeps only what was sent", () => {
    const run = runWith({ recordedRows: 100, recordedBytes: 65_536, clientRows: 3 });
    const sent: Buffer[] = [];
    for (let i = 1; i <= 10; i++) passDataRow(run, row(String(i)), (b) => sent.push(b));
    expect(sent).toHaveLength(3);
    expect(run.cutRows).toBe(7);
    const finish = run.finishRow();
    expect(finish).toMatchObject({ rows: [["1"], ["2"], ["3"]], rowsTruncated: true, resultRowCount: 10 });
  });

  it("leaves a result without a cap alone, and keeps the policy's recording caps", () => {
    const run = runWith({ recordedRows: 2, recordedBytes: 65_536, clientRows: null });
    const sent: Buffer[] = [];
    for (let i = 1; i <= 5; i++) passDataRow(run, row(String(i)), (b) => sent.push(b));
    expect(sent).toHaveLength(5);
    expect(run.hasRowCap).toBe(false);
    expect(run.finishRow()).toMatchObject({ rows: [["1"], ["2"]], rowsTruncated: true, resultRowCount: 5 });
    // No policy said anything: the gateway's limits stand.
    const plain = runWith(undefined);
    for (let i = 1; i <= 5; i++) passDataRow(plain, row(String(i)), () => {});
    expect(plain.finishRow().rows).toHaveLength(5);
  });

  it("ends a cut result with a notice naming the cap and a tag counting the rows sent; a DML tag keeps its count", () => {
    const run = runWith({ recordedRows: 100, recordedBytes: 65_536, clientRows: 3 });
    for (let i = 1; i <= 10; i++) passDataRow(run, row(String(i)), () => {});
    const reply = rowCapReply(run, tagFrame("SELECT 10"), "SELECT 10");
    expect(reply.tag).toBe("SELECT 3");
    expect(reply.frames.map((f) => String.fromCharCode(f[0]))).toEqual(["N", "C"]);
    expect(decodeBackendFrame<NoticeMessage>(reply.frames[0])).toMatchObject({ severity: "NOTICE", message: "Warden: result cut at 3 rows by the connection's agent row cap (10 rows in all)" });
    expect(decodeBackendFrame<CommandCompleteMessage>(reply.frames[1]).text).toBe("SELECT 3");
    // Told once: a later end of the same statement (a portal) says nothing more.
    const again = rowCapReply(run, tagFrame("SELECT 10"), "SELECT 10");
    expect(again.frames).toHaveLength(1);

    const dml = runWith({ recordedRows: 100, recordedBytes: 65_536, clientRows: 3 }, "insert into t select g from generate_series(1, 10) g returning g");
    for (let i = 1; i <= 10; i++) passDataRow(dml, row(String(i)), () => {});
    const kept = rowCapReply(dml, tagFrame("INSERT 0 10"), "INSERT 0 10");
    expect(kept.tag).toBe("INSERT 0 10");
    expect(kept.frames[1]).toEqual(tagFrame("INSERT 0 10"));
  });

  it("caps COPY data rows, letting the CSV header line through uncounted", () => {
    const run = runWith({ recordedRows: 100, recordedBytes: 65_536, clientRows: 2 }, "copy t to stdout with (format csv, header)");
    run.setCopyColumns({ isBinary: false, columnFormats: [0] });
    const sent: string[] = [];
    const copyData = (s: string) => {
      const f = Buffer.alloc(5 + s.length);
      f[0] = 0x64;
      f.writeInt32BE(4 + s.length, 1);
      f.write(s, 5);
      return f;
    };
    for (const line of ["n\n", "1\n", "2\n", "3\n"]) passCopyData(run, copyData(line), false, (b) => sent.push(b.toString("utf8", 5)));
    expect(sent).toEqual(["n\n", "1\n", "2\n"]);
    expect(run.cutRows).toBe(1);
    expect(rowCapReply(run, tagFrame("COPY 3"), "COPY 3").tag).toBe("COPY 2");
  });
});
