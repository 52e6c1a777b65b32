import type { DatabaseError, RowDescriptionMessage } from "pg-protocol/dist/messages";
import type { RecordedColumn } from "@/drizzle/schema";
import { errorResponse } from "../protocol/backend-messages";
import { decodeBackendFrame, rowCountOfTag } from "../protocol/backend-decoders";
import { BackendCode } from "../protocol/message-codes";
import { SqlState } from "../protocol/sql-state";
import type { CopyInWindow } from "./copy-in-window";
import { passFunctionResult } from "./function-call";
import { passCopyData, passDataRow, rowCapReply } from "./result-stream";
import type { PendingChange, Portal, PreparedStatement } from "./statement-namespace";
import type { StatementRun } from "./statement-run";
import type { StatementContext } from "../hooks/gateway-hooks";
import { isClientsError, type ProbeOutcome } from "./syntax-probe";

/**
 * Reply ordering: what the gateway expects the server to answer, in order, for each message it
 * forwarded. Walking this queue as answers arrive tells which statement each row, tag or error
 * belongs to, when a namespace change is confirmed or refused, where the extended protocol skips to
 * Sync after an error, and when a reply of the gateway's own can be slotted in.
 * https://www.postgresql.org/docs/current/protocol-flow.html
 */
export type Expectation =
  /**
   * Parse -> ParseComplete; Bind -> BindComplete; Close -> CloseComplete. `change`: what the answer
   * confirms. `onAnswered`: told once the server answered (or skipped) the message.
   */
  | { kind: "parse" | "bind" | "close"; change: PendingChange | null; droppedEvenOnError?: PendingChange[]; onAnswered?: () => void }
  /** Answers to the gateway's own messages (a refusal's stand-ins): not for the client. `change`: what its success confirms. */
  | { kind: "swallow"; change?: PendingChange }
  /**
   * The gateway's Parse of text it could not parse (syntax-probe.ts): ParseComplete, not for the
   * client, or the server's error, which is the client's answer unless it is not about the text.
   */
  | { kind: "probe"; settle(outcome: ProbeOutcome): void }
  /** Describe -> [ParameterDescription] RowDescription | NoData. */
  | { kind: "describe"; statement: PreparedStatement | null; portal: Portal | null }
  /** Execute -> DataRow* then CommandComplete | EmptyQueryResponse | PortalSuspended | ErrorResponse (or COPY). */
  | {
      kind: "execute";
      run: StatementRun;
      portal: Portal;
      change: PendingChange | null;
      copyIn: CopyInWindow | null;
      /** A further Execute of a portal already executed: skipped, it leaves the statement as it was (suspended). */
      isContinuation?: boolean;
    }
  /**
   * The stand-in for a refused message: its ErrorResponse is the refusal (the refused run is already
   * recorded). What the refused message would have changed, or started, never happens.
   */
  | { kind: "refusal"; change?: PendingChange | null; copyIn?: CopyInWindow | null }
  /** Query -> per statement: [RowDescription] DataRow* CommandComplete | EmptyQueryResponse | ErrorResponse; then ReadyForQuery. */
  | {
      kind: "query";
      runs: StatementRun[];
      changes: (PendingChange | null)[];
      index: number;
      blockedRun: StatementRun | null;
      copyIn: CopyInWindow | null;
      /** A Query drops the unnamed statement and portal when the server runs it (settled at ReadyForQuery). */
      dropsUnnamed: PendingChange[];
      /** The portals dropped if the transaction ends with the query (status I). */
      endsTransaction: PendingChange | null;
    }
  /**
   * Sync -> ReadyForQuery; unless the server reads it in copy-in mode and ignores it (`copyIn`,
   * `segment`). `endsTransaction`: the portals dropped if the transaction ends there (status I).
   */
  | { kind: "sync"; copyIn?: CopyInWindow; segment?: number; endsTransaction?: PendingChange }
  /**
   * FunctionCall -> FunctionCallResponse | ErrorResponse, then ReadyForQuery (an error does not skip
   * to Sync). `refusal`: the call was refused and a call of no function stands in for it, so the
   * server fails it in place (its 42883 is replaced by the refusal; an earlier cause, such as an
   * aborted transaction, is the server's to tell). `endsTransaction`: the portals dropped if the
   * transaction ends with the call (status I).
   */
  | { kind: "function"; run: StatementRun; result: RecordedColumn | null; refusal: { sqlState: string; message: string; quoted?: string[] } | null; endsTransaction: PendingChange | null }
  /** A message the gateway answers itself (not forwarded): its reply goes out when its turn comes. */
  | { kind: "synthetic"; build: (transactionStatus: string) => Buffer[] }
  /**
   * The blast-radius guard's own messages (blast-radius/guard-bracket.ts): every answer, up to
   * `take` saying it is done, is the guard's, not the client's. A Sync of the guard's ends at its
   * ReadyForQuery, which is not relayed either.
   */
  | { kind: "guard"; take(code: number, frame: Buffer): boolean; isSync?: boolean }
  /** Told when everything expected before it has been answered (or skipped); never waits for an answer of its own. */
  | { kind: "marker"; reached(): void };

export type TrackerEvents = {
  /** The statement has its final answer (or a portal was suspended): record it. */
  onFinished(run: StatementRun): void;
  /** The result's columns are known: the place to set up a row filter. */
  onColumns(run: StatementRun): void;
  /** ReadyForQuery: the transaction status after it. */
  onReady(transactionStatus: string): void;
  /** The server's answer does not fit what was expected (a bug, or a server we do not understand). */
  onMismatch(detail: string): void;
};

type Out = (buf: Buffer) => void;
/** A Parse or Bind the server refused: an Execute of what it would have defined fails with its error. */
type FailedRequest = { defined: PreparedStatement | Portal | null; info: { code: string; message: string } };
const NOOP: Out = () => {};
/** What the server answers a FunctionCall of an OID that names no function (the stand-in for a refused call). */
const UNDEFINED_FUNCTION = "42883";

/** What the tracker is doing with the server's answers. */
type ReplyStep =
  | { kind: "following" }
  /** An extended-protocol request failed: requests up to the next Sync are skipped by the server. */
  | { kind: "skipping"; failed: FailedRequest | null }
  /**
   * A result was withheld (fail closed): the client was told the statement failed, so answers up to
   * ReadyForQuery are tracked and recorded but not sent. `skipping`: the server also skips to Sync.
   */
  | { kind: "withholding"; skipping: { failed: FailedRequest | null } | null };

export class ReplyTracker {
  private queue: Expectation[] = [];
  private head = 0;
  transactionStatus = "I";
  private step: ReplyStep = { kind: "following" };
  private copyIsBinary = false;

  constructor(private readonly events: TrackerEvents) {}

  /**
   * The statement whose answers arrive now: a Query's current statement, an Execute's, a
   * FunctionCall's. Null when they answer a message that runs no statement (Parse, Bind, Describe,
   * Close, Sync, the gateway's own): what such an answer quotes is the client's input, never a
   * computed value. Undefined when nothing is expected (a message of no known request).
   */
  get answering(): StatementContext | null | undefined {
    const e = this.peek();
    if (!e) return undefined;
    if (e.kind === "execute" || e.kind === "function") return e.run.ctx;
    if (e.kind === "query") return e.runs[e.index]?.ctx;
    return null;
  }

  get isIdle(): boolean {
    return this.head >= this.queue.length;
  }

  /**
   * An extended-protocol request failed and no Sync has been forwarded since: the server skips
   * whatever the client sends now, up to its Sync. https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
   */
  get willSkip(): boolean {
    return this.isIdle && (this.step.kind === "skipping" || (this.step.kind === "withholding" && this.step.skipping !== null));
  }

  /** Registers what a forwarded message will produce. A synthetic reply with nothing ahead of it goes out at once. */
  expect(e: Expectation, out: Out): void {
    if (e.kind === "marker" && this.isIdle) return e.reached();
    if (e.kind === "sync" && e.copyIn && e.copyIn.serverStarted > e.segment!) return e.endsTransaction?.settle(false); // read in copy-in mode: ignored
    // The server skips what the client sends after an error, up to its Sync (which ends the skipping).
    if (this.willSkip && e.kind !== "sync" && e.kind !== "synthetic" && e.kind !== "guard" && e.kind !== "marker") return this.skipOne(e, this.step.kind === "skipping" ? this.step.failed : this.step.kind === "withholding" ? (this.step.skipping?.failed ?? null) : null);
    this.queue.push(e);
    this.emitSynthetics(out);
  }

  /**
   * Handles one backend frame: forwards it (or a rewrite of it) through `out`, or drops it. Returns
   * a promise instead when the frame cannot be taken yet (its result's row filter is being set up):
   * the caller holds it, and what follows, and hands it in again once the promise settles.
   */
  handle(code: number, frame: Buffer, out: Out): void | Promise<void> {
    const head = this.peek();
    if (head?.kind === "guard" && code !== BackendCode.NotificationResponse && code !== BackendCode.ParameterStatus) return this.onGuardAnswer(head, code, frame);
    const emit = this.step.kind === "withholding" ? NOOP : out;
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
      case BackendCode.CloseComplete: {
        if (e?.kind === "swallow") {
          e.change?.settle(true);
          this.pop();
          return;
        }
        if (e?.kind === "probe" && code === BackendCode.ParseComplete) {
          this.pop();
          e.settle({ kind: "parsed" });
          return;
        }
        const wanted = code === BackendCode.ParseComplete ? "parse" : code === BackendCode.BindComplete ? "bind" : "close";
        if (e?.kind === wanted) {
          for (const d of e.droppedEvenOnError ?? []) d.settle(true);
          e.change?.settle(true);
          this.pop();
          e.onAnswered?.();
        } else this.events.onMismatch(`${String.fromCharCode(code)} while expecting ${e?.kind ?? "nothing"}`);
        emit(frame);
        return;
      }
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
      case BackendCode.DataRow: {
        const run = this.runForRows();
        if (!run) return emit(frame);
        return passDataRow(run, frame, emit);
      }
      case BackendCode.CopyData: {
        const run = this.runForRows();
        if (!run) return emit(frame);
        return passCopyData(run, frame, this.copyIsBinary, emit);
      }
      case BackendCode.CopyOutResponse:
        this.copyIsBinary = frame[5] === 1;
        this.onCopyOut(frame);
        emit(frame);
        return;
      case BackendCode.CopyInResponse:
      case BackendCode.CopyBothResponse:
        // Byte 5 is the overall format: 0 text, 1 binary.
        this.copyIsBinary = frame[5] === 1;
        this.onCopyIn();
        emit(frame);
        return;
      case BackendCode.CommandComplete:
      case BackendCode.EmptyQueryResponse:
      case BackendCode.PortalSuspended:
        this.onCompletion(code, frame, emit);
        return;
      case BackendCode.FunctionCallResponse:
        return this.onFunctionResult(frame, emit);
      default:
        // CopyDone and anything else: passed on untouched.
        emit(frame);
    }
  }

  /** The session ends: pending namespace changes are void; runs are finished by the relay. */
  abandon(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const e = this.queue[i];
      if (e.kind === "parse" || e.kind === "bind" || e.kind === "close" || e.kind === "execute" || e.kind === "refusal" || e.kind === "swallow") e.change?.settle(false);
      if (e.kind === "parse" || e.kind === "bind" || e.kind === "close") e.onAnswered?.();
      if (e.kind === "probe") e.settle({ kind: "abandoned" });
      if (e.kind === "query") for (const c of [...e.changes.slice(e.index), ...e.dropsUnnamed, e.endsTransaction]) c?.settle(false);
      if (e.kind === "sync" || e.kind === "function") e.endsTransaction?.settle(false);
    }
    this.queue = [];
    this.head = 0;
  }

  /**
   * The refusal a refused FunctionCall's stand-in (a call of no function) was sent for, when `frame`
   * is that stand-in's error: the relay words the refusal in its place before masking, so that it is
   * masked as Warden's own words (its quoted parts, a reviewer's comment, through the detectors).
   */
  functionRefusalAnswered(code: number, frame: Buffer): { sqlState: string; message: string; quoted?: string[] } | null {
    if (code !== BackendCode.ErrorResponse) return null;
    const e = this.peek();
    if (e?.kind !== "function" || !e.refusal) return null;
    return decodeBackendFrame<DatabaseError>(frame).code === UNDEFINED_FUNCTION ? e.refusal : null;
  }

  /** An answer to the guard's own messages: never the client's. An error makes the server skip to Sync; a ReadyForQuery ends that. */
  private onGuardAnswer(e: Extract<Expectation, { kind: "guard" }>, code: number, frame: Buffer): void {
    if (code === BackendCode.ReadyForQuery) {
      this.transactionStatus = String.fromCharCode(frame[5]);
      this.step = { kind: "following" };
    }
    if (!e.take(code, frame)) return;
    this.pop();
    if (code === BackendCode.ErrorResponse) this.skipToSync(null);
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
    // A marker is reached as soon as what came before it is answered.
    for (let m = this.peek(); m?.kind === "marker"; m = this.peek()) {
      this.head++;
      m.reached();
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
    const columns = e.portal.columns ?? e.portal.statement.columns ?? null;
    if (!columns) return;
    e.run.setColumns(columns, e.portal.resultFormats);
    this.events.onColumns(e.run);
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

  /** CopyInResponse: the server reads the next copy segment in copy-in mode; Syncs sent in it are ignored. */
  private onCopyIn() {
    const e = this.peek();
    const window = e?.kind === "execute" || e?.kind === "query" ? e.copyIn : null;
    if (!window) return this.events.onMismatch("CopyInResponse for a statement that is not a COPY");
    const segment = window.onServerCopyIn();
    const isIgnored = (q: Expectation) => q.kind === "sync" && q.copyIn === window && q.segment === segment;
    for (const q of this.queue.slice(this.head + 1)) if (q.kind === "sync" && isIgnored(q)) q.endsTransaction?.settle(false);
    this.queue = [...this.queue.slice(0, this.head + 1), ...this.queue.slice(this.head + 1).filter((q) => !isIgnored(q))];
  }

  private onCompletion(code: number, frame: Buffer, out: Out) {
    const e = this.peek();
    // EmptyQueryResponse has no tag: the empty query is recorded as ok with none.
    let tag = code === BackendCode.CommandComplete ? frame.toString("utf8", 5, frame.length - 1) : null;
    const run = e?.kind === "execute" ? e.run : e?.kind === "query" ? e.runs[e.index] : undefined;
    if (run && run.cutRows > 0 && !run.isWithheld && code !== BackendCode.EmptyQueryResponse) {
      // The row cap cut this result: the client hears so before the completion, which counts what it got.
      const reply = rowCapReply(run, frame, tag);
      tag = reply.tag;
      const last = reply.frames.length - 1;
      for (let i = 0; i < last; i++) out(reply.frames[i]);
      frame = reply.frames[last];
    }
    if (run?.isWithheld) {
      out(errorResponse({ severity: "ERROR", sqlState: run.error?.code ?? SqlState.InternalError, message: run.error!.message }));
      this.finish(run, "error");
      this.step = { kind: "withholding", skipping: null };
      if (e?.kind === "execute") {
        e.change?.settle(false);
        e.copyIn?.finish();
        this.pop();
      }
      if (e?.kind === "query") e.changes[e.index++]?.settle(false);
      return;
    }
    if (e?.kind === "execute") {
      this.resolveColumns(e);
      if (code === BackendCode.PortalSuspended) {
        e.run.finish("suspended");
        this.events.onFinished(e.run);
      } else {
        this.finish(e.run, "ok", tag);
        e.change?.settle(true);
      }
      e.copyIn?.finish();
      this.pop();
    } else if (e?.kind === "query") {
      const r = e.runs[e.index];
      if (r) {
        this.finish(r, "ok", tag);
        e.changes[e.index]?.settle(true);
        e.index++;
      }
    } else {
      this.events.onMismatch(`completion while expecting ${e?.kind ?? "nothing"}`);
    }
    out(frame);
  }

  /** FunctionCallResponse: the call's result, masked and recorded like a one-row SELECT's. */
  private onFunctionResult(frame: Buffer, out: Out): void | Promise<void> {
    const e = this.peek();
    if (e?.kind !== "function" || !e.result || e.run.isFinished) {
      this.events.onMismatch(`FunctionCallResponse while expecting ${e?.kind ?? "nothing"}`);
      return;
    }
    const wait = passFunctionResult(e.run, e.result, frame, out, (run) => this.events.onColumns(run));
    if (wait) return wait;
    if (!e.run.isWithheld) return this.finish(e.run, "ok");
    // The result could not be masked (fail closed): the client is told the call failed instead.
    out(errorResponse({ severity: "ERROR", sqlState: e.run.error?.code ?? SqlState.InternalError, message: e.run.error!.message }));
    this.finish(e.run, "error");
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
    if (e.kind === "function") {
      // The call failed (or its stand-in did); ReadyForQuery follows and nothing is skipped.
      if (e.refusal && info.code === UNDEFINED_FUNCTION) return out(errorResponse({ severity: "ERROR", ...e.refusal }));
      if (!e.run.isFinished) this.finish(e.run, "error", undefined, info);
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
      // The rest of the query string is not run; ReadyForQuery follows.
      for (let i = e.index; i < e.runs.length; i++) {
        e.changes[i]?.settle(false);
        const rest = e.runs[i];
        if (!rest.isFinished && rest.status !== "blocked") this.finish(rest, "skipped");
      }
      e.index = e.runs.length;
      e.copyIn?.finish();
      return;
    }
    if (e.kind === "probe") {
      // The server's verdict on text the gateway could not parse: the client's own error, in its place.
      const isShown = isClientsError(err);
      this.pop();
      this.skipToSync(null);
      if (isShown) out(frame);
      e.settle(isShown ? { kind: "refused", error: info } : { kind: "unclear", error: info });
      return;
    }
    // Extended protocol: this request failed; the server skips everything up to Sync.
    if (e.kind === "execute") {
      this.finish(e.run, "error", undefined, info);
      e.copyIn?.finish();
    }
    if (e.kind === "parse" || e.kind === "bind" || e.kind === "close") for (const d of e.droppedEvenOnError ?? []) d.settle(true);
    if (e.kind === "parse" || e.kind === "bind" || e.kind === "close" || e.kind === "execute" || e.kind === "refusal" || e.kind === "swallow") e.change?.settle(false);
    const isRefusal = e.kind === "refusal";
    if (isRefusal) e.copyIn?.finish();
    this.pop();
    const defined = (e.kind === "parse" || e.kind === "bind") && e.change?.kind === "define" ? e.change.value : null;
    this.skipToSync(defined ? { defined, info } : null);
    out(isRefusal ? withoutContext(frame) : frame);
    if (e.kind === "parse" || e.kind === "bind" || e.kind === "close") e.onAnswered?.();
  }

  private skipToSync(failed: FailedRequest | null = null) {
    for (let e = this.peek(); e && e.kind !== "sync" && !(e.kind === "guard" && e.isSync); e = this.peek()) {
      this.skipOne(e, failed);
      this.pop();
    }
    this.step = this.step.kind === "withholding" ? { kind: "withholding", skipping: { failed } } : { kind: "skipping", failed };
  }

  /** The server skips this request (ignore_till_sync covers every message but Sync, Query included). */
  private skipOne(e: Expectation, failed: FailedRequest | null) {
    switch (e.kind) {
      case "parse":
      case "bind":
      case "close":
        for (const d of e.droppedEvenOnError ?? []) d.settle(false);
        e.change?.settle(false);
        e.onAnswered?.();
        return;
      case "swallow":
        e.change?.settle(false);
        return;
      case "probe":
        e.settle({ kind: "skipped" });
        return;
      case "execute":
        e.change?.settle(false);
        e.copyIn?.finish();
        if (!e.run.isFinished && !e.isContinuation) {
          // A failed Parse or Bind of what this Execute runs is the failure of the Execute.
          const isCause = failed?.defined && (e.portal === failed.defined || e.portal.statement === failed.defined);
          if (isCause) this.finish(e.run, "error", undefined, failed.info);
          else this.finish(e.run, "skipped");
        }
        return;
      case "refusal":
        e.change?.settle(false);
        e.copyIn?.finish();
        return;
      case "function":
        e.endsTransaction?.settle(false);
        if (!e.run.isFinished) this.finish(e.run, "skipped");
        return;
      case "query":
        for (const c of e.changes) c?.settle(false);
        for (const d of e.dropsUnnamed) d.settle(false);
        e.endsTransaction?.settle(false);
        e.copyIn?.finish();
        for (const r of e.runs) if (!r.isFinished && r.status !== "blocked") this.finish(r, "skipped");
        return;
    }
  }

  private onReadyForQuery(frame: Buffer, out: Out) {
    this.transactionStatus = String.fromCharCode(frame[5]);
    const hasEnded = this.transactionStatus === "I";
    for (let e = this.peek(); e; e = this.peek()) {
      this.pop();
      if (e.kind === "sync") {
        e.endsTransaction?.settle(hasEnded);
        break;
      }
      if (e.kind === "query" || e.kind === "function") {
        if (e.kind === "query") for (const d of e.dropsUnnamed) d.settle(true);
        e.endsTransaction?.settle(hasEnded);
        e.endsTransaction = null;
        this.skipOne(e, null);
        break;
      }
      this.skipOne(e, null);
    }
    this.step = { kind: "following" };
    this.events.onReady(this.transactionStatus);
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
