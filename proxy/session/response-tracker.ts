import type { DatabaseError, RowDescriptionMessage } from "pg-protocol/dist/messages";
import type { RecordedColumn } from "@/drizzle/schema";
import { errorResponse } from "../protocol/backend-messages";
import { decodeBackendFrame, decodeDataRow, encodeDataRow, rowCountOfTag } from "../protocol/backend-decoders";
import { BackendCode } from "../protocol/message-codes";
import { SqlState } from "../protocol/sql-state";
import type { Portal, PreparedStatement } from "./extended-state";
import type { StatementRun } from "./statement-run";

/**
 * What the gateway expects the server to answer, in order, for each message it forwarded. Walking
 * this queue as answers arrive tells which statement each row, tag or error belongs to, where the
 * extended protocol skips to Sync after an error, and when a reply of the gateway's own can be
 * slotted in. https://www.postgresql.org/docs/current/protocol-flow.html
 */
export type Expectation =
  /** Parse -> ParseComplete, Bind -> BindComplete, Close -> CloseComplete. */
  | { kind: "complete"; statement?: PreparedStatement; portal?: Portal }
  /** Answers to the gateway's own messages (a refused Execute's stand-ins): not for the client. */
  | { kind: "swallow" }
  /** Describe -> [ParameterDescription] RowDescription | NoData. */
  | { kind: "describe"; statement: PreparedStatement | null; portal: Portal | null }
  /** Execute -> DataRow* then CommandComplete | EmptyQueryResponse | PortalSuspended | ErrorResponse (or COPY). */
  | { kind: "execute"; run: StatementRun; portal: Portal | null }
  /** The stand-in for a refused Execute: its ErrorResponse is the refusal. */
  | { kind: "blocked"; run: StatementRun }
  /** Query -> per statement: [RowDescription] DataRow* CommandComplete | EmptyQueryResponse | ErrorResponse; then ReadyForQuery. */
  | { kind: "query"; runs: StatementRun[]; index: number; blockedRun: StatementRun | null }
  /** Sync -> ReadyForQuery. */
  | { kind: "sync" }
  /** A message the gateway answers itself (not forwarded): its reply goes out when its turn comes. */
  | { kind: "synthetic"; build: (transactionStatus: string) => Buffer[] };

export type TrackerEvents = {
  /** The statement has its final answer (or a portal was suspended): record it. */
  onFinished(run: StatementRun): void;
  /** The result's columns are known: the place to set up a row filter. */
  onColumns(run: StatementRun): void;
  /** DISCARD ALL / DEALLOCATE ALL completed. */
  onForgetAll(): void;
  /** The server's answer does not fit what was expected (a bug, or a server we do not understand). */
  onMismatch(detail: string): void;
};

type Out = (buf: Buffer) => void;
type FailedRequest = { statement?: PreparedStatement; portal?: Portal; info: { code: string; message: string } };
const NOOP: Out = () => {};

export class ResponseTracker {
  private queue: Expectation[] = [];
  private head = 0;
  transactionStatus = "I";
  /** A row filter failed: everything up to the next ReadyForQuery is withheld from the client. */
  private isWithholding = false;
  private copyIsBinary = false;
  /** An extended-protocol request failed and nothing queued is left to skip: later ones are skipped until Sync. */
  private skipping: { failed: FailedRequest | null } | null = null;

  constructor(private readonly events: TrackerEvents) {}

  get isIdle(): boolean {
    return this.head >= this.queue.length;
  }

  /** Registers what a forwarded message will produce. A synthetic reply with nothing ahead of it goes out at once. */
  expect(e: Expectation, out: Out): void {
    if (this.skipping) {
      if (e.kind !== "sync") return this.skipOne(e, this.skipping.failed);
      this.skipping = null;
    }
    this.queue.push(e);
    this.emitSynthetics(out);
  }

  /**
   * Handles one backend frame: forwards it (or a rewrite of it) through `out`, or drops it. Returns
   * a promise instead when the frame cannot be taken yet (its result's row filter is being set up):
   * the caller holds it, and what follows, and hands it in again once the promise settles.
   */
  handle(code: number, frame: Buffer, out: Out): void | Promise<void> {
    // While a result is withheld, answers are still tracked (and recorded) but not sent.
    const emit = this.isWithholding ? NOOP : out;
    switch (code) {
      case BackendCode.NoticeResponse:
      case BackendCode.NotificationResponse:
      case BackendCode.ParameterStatus:
        // Asynchronous messages: they may come at any time and belong to no request.
        out(frame);
        return;
      case BackendCode.ReadyForQuery:
        this.onReadyForQuery(frame, out);
        return;
      case BackendCode.ErrorResponse:
        this.onError(frame, emit);
        return;
    }
    const e = this.peek();
    switch (code) {
      case BackendCode.ParseComplete:
      case BackendCode.BindComplete:
      case BackendCode.CloseComplete:
        if (e?.kind === "swallow") {
          this.pop();
          return;
        }
        if (e?.kind === "complete") this.pop();
        else this.events.onMismatch(`${String.fromCharCode(code)} while expecting ${e?.kind ?? "nothing"}`);
        emit(frame);
        return;
      case BackendCode.ParameterDescription:
        emit(frame);
        return;
      case BackendCode.RowDescription: {
        const columns = decodeColumns(frame);
        if (e?.kind === "describe") {
          if (e.portal) e.portal.columns = columns;
          else if (e.statement) e.statement.columns = columns;
          this.pop();
        } else if (e?.kind === "query") {
          const run = e.runs[e.index];
          if (run) {
            run.setColumns(columns, []);
            this.events.onColumns(run);
          }
        } else {
          this.events.onMismatch(`RowDescription while expecting ${e?.kind ?? "nothing"}`);
        }
        emit(frame);
        return;
      }
      case BackendCode.NoData:
        if (e?.kind === "describe") {
          if (e.portal) e.portal.columns = null;
          else if (e.statement) e.statement.columns = null;
          this.pop();
        }
        emit(frame);
        return;
      case BackendCode.DataRow:
        return this.onDataRow(frame, emit);
      case BackendCode.CopyData:
        return this.onCopyData(frame, emit);
      case BackendCode.CopyOutResponse:
        this.copyIsBinary = frame[5] === 1;
        this.onCopyOut(frame);
        emit(frame);
        return;
      case BackendCode.CopyInResponse:
      case BackendCode.CopyBothResponse:
        // Byte 5 is the overall format: 0 text, 1 binary.
        this.copyIsBinary = frame[5] === 1;
        emit(frame);
        return;
      case BackendCode.CommandComplete:
      case BackendCode.EmptyQueryResponse:
      case BackendCode.PortalSuspended:
        this.onCompletion(code, frame, emit);
        return;
      default:
        // CopyDone, FunctionCallResponse and anything else: passed on untouched.
        emit(frame);
    }
  }

  /** The session ends: statements without an answer are recorded as unknown. */
  abandon(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const e = this.queue[i];
      if (e.kind === "execute" && !e.run.isFinished) this.finish(e.run, "unknown");
      if (e.kind === "query") for (const r of e.runs.slice(e.index)) if (!r.isFinished && r.status !== "blocked") this.finish(r, "unknown");
    }
    this.queue = [];
    this.head = 0;
  }

  private peek(): Expectation | undefined {
    return this.queue[this.head];
  }

  private pop(): void {
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private runForRows(): StatementRun | null {
    const e = this.peek();
    if (e?.kind === "execute") {
      this.resolveColumns(e);
      return e.run;
    }
    if (e?.kind === "query") return e.runs[e.index] ?? null;
    return null;
  }

  /** An Execute's columns come from an earlier Describe of its portal or statement. */
  private resolveColumns(e: Extract<Expectation, { kind: "execute" }>) {
    if (e.run.hasColumns) return;
    const portal = e.portal;
    const columns = portal?.columns ?? portal?.statement?.columns ?? null;
    if (!columns) return;
    e.run.setColumns(columns, portal?.resultFormats ?? []);
    this.events.onColumns(e.run);
  }

  private onDataRow(frame: Buffer, out: Out): void | Promise<void> {
    const run = this.runForRows();
    if (!run) {
      out(frame);
      return;
    }
    if (run.isWithheld) return;
    if (run.pendingRowFilter) return run.pendingRowFilter;
    if (!run.rowFilter) {
      run.captureRow(decodeDataRow(frame));
      out(frame);
      return;
    }
    let values: (Buffer | null)[];
    try {
      const filter = run.rowFilter;
      const original = decodeDataRow(frame);
      values = filter.transformRow(original);
      run.captureRow(filter.recordRow && run.isCapturing ? filter.recordRow(original) : values);
      out(values === original ? frame : encodeDataRow(values));
    } catch (err) {
      this.withhold(run, err as Error);
    }
  }

  /** CopyOutResponse: the COPY's result is described, the place to set up its row filter. */
  private onCopyOut(frame: Buffer) {
    const run = this.runForRows();
    if (!run || run.copy) return;
    const count = frame.readInt16BE(6);
    const columnFormats = Array.from({ length: count }, (_, i) => frame.readInt16BE(8 + 2 * i));
    run.setCopyColumns({ isBinary: frame[5] === 1, columnFormats });
    this.events.onColumns(run);
  }

  private onCopyData(frame: Buffer, out: Out): void | Promise<void> {
    const run = this.runForRows();
    if (!run) {
      out(frame);
      return;
    }
    if (run.isWithheld) return;
    if (run.pendingRowFilter) return run.pendingRowFilter;
    const data = frame.subarray(5);
    if (!run.rowFilter?.transformCopyData) {
      run.captureCopyData(data, this.copyIsBinary);
      out(frame);
      return;
    }
    try {
      const filter = run.rowFilter;
      const rewritten = filter.transformCopyData!(data);
      run.captureCopyData(filter.recordCopyData && run.isCapturing ? filter.recordCopyData(data) : rewritten, this.copyIsBinary);
      if (rewritten === data) out(frame);
      else {
        const msg = Buffer.allocUnsafe(5 + rewritten.length);
        msg[0] = BackendCode.CopyData;
        msg.writeInt32BE(4 + rewritten.length, 1);
        rewritten.copy(msg, 5);
        out(msg);
      }
    } catch (err) {
      this.withhold(run, err as Error);
    }
  }

  /** Fail closed: the rest of the result is not sent, and the statement ends in an error. */
  private withhold(run: StatementRun, err: Error) {
    run.isWithheld = true;
    run.error = { code: SqlState.InternalError, message: `result withheld: a row could not be filtered (${err.message})` };
  }

  private onCompletion(code: number, frame: Buffer, out: Out) {
    const e = this.peek();
    const tag = code === BackendCode.CommandComplete ? frame.toString("utf8", 5, frame.length - 1) : code === BackendCode.EmptyQueryResponse ? "" : null;
    const run = e?.kind === "execute" ? e.run : e?.kind === "query" ? e.runs[e.index] : undefined;
    if (run?.isWithheld) {
      out(errorResponse({ severity: "ERROR", sqlState: SqlState.InternalError, message: run.error!.message }));
      this.finish(run, "error");
      this.isWithholding = true;
      if (e?.kind === "execute") this.pop();
      if (e?.kind === "query") e.index++;
      return;
    }
    if (e?.kind === "execute") {
      this.resolveColumns(e);
      if (code === BackendCode.PortalSuspended) {
        e.run.finish("suspended");
        this.events.onFinished(e.run);
      } else {
        this.finish(e.run, "ok", tag);
      }
      this.pop();
    } else if (e?.kind === "query") {
      const r = e.runs[e.index];
      if (r) {
        this.finish(r, "ok", tag);
        e.index++;
      }
    } else {
      this.events.onMismatch(`completion while expecting ${e?.kind ?? "nothing"}`);
    }
    if (tag === "DISCARD ALL" || tag === "DEALLOCATE ALL") this.events.onForgetAll();
    out(frame);
  }

  private onError(frame: Buffer, out: Out) {
    const e = this.peek();
    const err = decodeBackendFrame<DatabaseError>(frame);
    const info = { code: err.code ?? SqlState.InternalError, message: err.message };
    if (!e || e.kind === "sync" || e.kind === "synthetic") {
      // An error outside any request (a FATAL on shutdown) or at Sync (a failed commit).
      out(frame);
      return;
    }
    if (e.kind === "query") {
      const r = e.runs[e.index];
      if (r && r === e.blockedRun) {
        out(withoutContext(frame));
      } else {
        if (r) this.finish(r, "error", undefined, info);
        out(frame);
      }
      e.index = e.runs.length;
      // The rest of the query string is not run; ReadyForQuery follows.
      for (const rest of e.runs) if (!rest.isFinished && rest.status !== "blocked") this.finish(rest, "skipped");
      return;
    }
    // Extended protocol: this request failed; the server skips everything up to Sync.
    if (e.kind === "execute") this.finish(e.run, "error", undefined, info);
    const isRefusal = e.kind === "blocked";
    this.pop();
    // A failed Parse or Bind is the failure of the Execute that would have run it.
    this.skipToSync(e.kind === "complete" && (e.statement || e.portal) ? { statement: e.statement, portal: e.portal, info } : null);
    out(isRefusal ? withoutContext(frame) : frame);
  }

  private skipToSync(failed: FailedRequest | null = null) {
    for (let e = this.peek(); e && e.kind !== "sync"; e = this.peek()) {
      this.skipOne(e, failed);
      this.pop();
    }
    // Requests the client sends later, up to its Sync, will be skipped too (the gateway may still be
    // deciding on them when the error arrives).
    if (!this.peek()) this.skipping = { failed };
  }

  /** The server skips this request (ignore_till_sync covers every message but Sync, Query included). */
  private skipOne(e: Expectation, failed: FailedRequest | null) {
    if (e.kind === "execute" && !e.run.isFinished) {
      const isCause = failed && e.portal && ((failed.portal && e.portal === failed.portal) || (failed.statement && e.portal.statement === failed.statement));
      if (isCause) this.finish(e.run, "error", undefined, failed.info);
      else this.finish(e.run, "skipped");
    }
    if (e.kind === "query") for (const r of e.runs) if (!r.isFinished && r.status !== "blocked") this.finish(r, "skipped");
  }

  private onReadyForQuery(frame: Buffer, out: Out) {
    this.transactionStatus = String.fromCharCode(frame[5]);
    this.skipping = null;
    for (let e = this.peek(); e; e = this.peek()) {
      this.pop();
      if (e.kind === "execute" && !e.run.isFinished) this.finish(e.run, "skipped");
      if (e.kind === "query") {
        for (const r of e.runs) if (!r.isFinished && r.status !== "blocked") this.finish(r, "skipped");
        break;
      }
      if (e.kind === "sync") break;
    }
    this.isWithholding = false;
    out(frame);
    this.emitSynthetics(out);
  }

  private emitSynthetics(out: Out) {
    for (let e = this.peek(); e?.kind === "synthetic"; e = this.peek()) {
      this.pop();
      for (const f of e.build(this.transactionStatus)) out(f);
    }
  }

  private finish(run: StatementRun, status: "ok" | "error" | "skipped" | "unknown", tag?: string | null, error?: { code: string; message: string }) {
    if (run.isFinished) return;
    run.finish(status, { tag: tag ?? undefined, rowCount: tag ? rowCountOfTag(tag) : undefined, error });
    this.events.onFinished(run);
  }
}

function decodeColumns(frame: Buffer): RecordedColumn[] {
  const m = decodeBackendFrame<RowDescriptionMessage>(frame);
  return m.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID, tableOid: f.tableID, columnNumber: f.columnID, format: f.format === "binary" ? "binary" : "text" }));
}

/**
 * The refusal raised by the gateway's DO block, without the "PL/pgSQL function inline_code_block"
 * context line, which would only confuse. https://www.postgresql.org/docs/current/protocol-error-fields.html
 */
function withoutContext(frame: Buffer): Buffer {
  const fields: Buffer[] = [];
  let off = 5;
  while (off < frame.length && frame[off] !== 0) {
    const end = frame.indexOf(0, off + 1);
    if (end < 0) return frame;
    if (frame[off] !== 0x57 /* W */) fields.push(frame.subarray(off, end + 1));
    off = end + 1;
  }
  const body = Buffer.concat([...fields, Buffer.from([0])]);
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = BackendCode.ErrorResponse;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}
