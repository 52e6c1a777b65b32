import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { serialize } from "pg-protocol";
import { classifySql, type ClassifiedStatement } from "@/lib/policy/classify-statement";
import type { DatabaseError } from "pg-protocol/dist/messages";
import { FORWARD, type Decision, type FinalDecision, type GatewayHooks, type HoldDecision, type RowFilter, type SessionInfo } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import { errorResponse, noticeResponse, readyForQuery } from "../protocol/backend-messages";
import { ClientError, protocolViolation } from "../protocol/client-error";
import type { Frame } from "../protocol/frame-inbox";
import type { FrameReader } from "../protocol/frame-reader";
import { decodeBind, decodeExecute, decodeParse, decodeQuery, decodeTarget } from "../protocol/frontend-messages";
import { decodeBackendFrame } from "../protocol/backend-decoders";
import { BackendCode, codeName, FrontendCode } from "../protocol/message-codes";
import { SqlState } from "../protocol/sql-state";
import { RecordingUnavailable, type Recorder } from "../recording/recorder";
import { BLOCKED_EXECUTE_SWALLOWED, blockedExecuteMessages, raiseErrorSql } from "./block-statement";
import { ExtendedState } from "./extended-state";
import { OutputBuffer } from "./output-buffer";
import { ResponseTracker } from "./response-tracker";
import { recordParams, StatementRun, type ResultLimits } from "./statement-run";

export type RelayDeps = {
  session: SessionInfo;
  recorder: Recorder;
  hooks: GatewayHooks;
  limits: ResultLimits;
  log: Logger;
  /** Ends the session (idempotent); with an error, the client is told why first. */
  close(reason: string, error?: ClientError): void;
};

type Side = { socket: Duplex; reader: FrameReader };
/** A server message waiting its turn; `isFiltered`: already through the message mask. */
type HeldFrame = Frame & { isFiltered?: boolean };

/** Server messages that can echo data, for the message mask. */
const ECHOING_MESSAGES = new Set<number>([BackendCode.ErrorResponse, BackendCode.NoticeResponse, BackendCode.NotificationResponse]);

/**
 * The `ready` phase: frames flow both ways, mostly untouched. Each statement (a Query's statements,
 * or an Execute with its bound parameters) is classified, decided on by the policy hook, recorded
 * (committed first in strict mode), then forwarded; answers are matched to statements by the
 * ResponseTracker. Each socket is paused while the other cannot take more (backpressure).
 */
export class Relay {
  private readonly tracker: ResponseTracker;
  private readonly ext = new ExtendedState();
  private readonly toUpstream = new OutputBuffer();
  private readonly toClient = new OutputBuffer();
  private readonly inbound: Frame[] = [];
  private inboundHead = 0;
  private isBusy = false;
  private isStopped = false;
  /** The client sent Terminate: nothing more is read from it. */
  isTerminating = false;
  private seq = 0;
  private readonly clientPauses = new Set<string>();
  private readonly upstreamPauses = new Set<string>();
  /** Server messages held back while a row filter or message mask is prepared (see holdUpstream). */
  private heldUpstream: HeldFrame[] | null = null;
  /** The statement waiting for approval now: a cancel or the client leaving withdraws it. */
  private heldStatement: HoldDecision | null = null;

  constructor(
    private readonly client: Side,
    private readonly upstream: Side,
    private readonly deps: RelayDeps,
    transactionStatus: string,
  ) {
    this.tracker = new ResponseTracker({
      onFinished: (run) => {
        deps.recorder.finishStatement(run.finishRow());
        deps.hooks.onStatementFinished?.(run.ctx);
      },
      onColumns: (run) => this.setUpRowFilter(run),
      onForgetAll: () => this.ext.forgetAll(),
      onMismatch: (detail) => deps.log.warn("unexpected server message order", { detail }),
    });
    this.tracker.transactionStatus = transactionStatus;
  }

  /** Takes over both sockets; `early` frames arrived before the relay did. */
  start(clientEarly: Frame[], upstreamEarly: Frame[]): void {
    for (const f of upstreamEarly) this.onUpstreamFrame(f.code, f.frame);
    this.flushClient();
    this.inbound.push(...clientEarly);
    this.client.socket.on("data", this.onClientData);
    this.upstream.socket.on("data", this.onUpstreamData);
    this.client.socket.resume();
    this.upstream.socket.resume();
    this.pump();
  }

  /** Stops both directions; statements still waiting for an answer are recorded as unknown. */
  stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.client.socket.off("data", this.onClientData);
    this.upstream.socket.off("data", this.onUpstreamData);
    this.client.reader.stop();
    this.upstream.reader.stop();
    this.tracker.abandon();
    this.heldStatement?.withdraw?.("disconnected");
  }

  /** A CancelRequest for a statement still waiting for approval withdraws its request; true if there was one. */
  cancelHeld(): boolean {
    if (!this.heldStatement?.withdraw) return false;
    this.heldStatement.withdraw("cancelled");
    return true;
  }

  get transactionStatus(): string {
    return this.tracker.transactionStatus;
  }

  /**
   * Asks the masking hook for the result's row filter. One still being set up (a promise) makes the
   * tracker hand back the result's rows, which wait with everything after them (see holdUpstream).
   */
  private setUpRowFilter(run: StatementRun): void {
    const create = this.deps.hooks.createRowFilter;
    if (!create || !run.columns) return;
    // Fail closed: a result whose filter cannot be set up is withheld.
    const failing = (err: unknown): RowFilter => ({ transformRow: () => { throw err; }, transformCopyData: () => { throw err; } });
    let made: ReturnType<typeof create>;
    try {
      made = create({ statement: run.ctx, columns: run.columns, copy: run.copy ?? undefined });
    } catch (err) {
      run.rowFilter = failing(err);
      return;
    }
    if (!(made instanceof Promise)) {
      run.rowFilter = made;
      return;
    }
    run.pendingRowFilter = made.then(
      (filter) => {
        run.rowFilter = filter;
        run.pendingRowFilter = null;
      },
      (err) => {
        run.rowFilter = failing(err);
        run.pendingRowFilter = null;
      },
    );
  }

  /** Writes a NoticeResponse to the client now (notices may come at any time). */
  sendNotice(message: string): void {
    this.toClient.push(noticeResponse({ sqlState: "00000", message }));
    this.flushClient();
  }

  // ---- client -> upstream -------------------------------------------------------------------

  private onClientData = (chunk: Buffer) => {
    try {
      this.client.reader.push(chunk, (code, frame) => this.inbound.push({ code, frame }));
    } catch (err) {
      return this.fail(err);
    }
    this.pump();
  };

  /** Handles queued client frames in order; an asynchronous step (recording, policy) holds the rest back. */
  private pump(): void {
    if (this.isBusy || this.isStopped) return;
    while (this.inboundHead < this.inbound.length && !this.isTerminating) {
      const { code, frame } = this.inbound[this.inboundHead++];
      let pending: void | Promise<void>;
      try {
        pending = this.handleClientFrame(code, frame);
      } catch (err) {
        return this.fail(err);
      }
      if (this.isStopped) return;
      if (pending) {
        this.isBusy = true;
        this.flushUpstream();
        this.pauseClient("busy", true);
        pending.then(
          () => {
            this.isBusy = false;
            this.flushUpstream();
            this.pauseClient("busy", false);
            this.pump();
          },
          (err) => this.fail(err),
        );
        return;
      }
    }
    this.inbound.length = 0;
    this.inboundHead = 0;
    this.flushUpstream();
  }

  /** One frontend message. https://www.postgresql.org/docs/current/protocol-message-formats.html */
  private handleClientFrame(code: number, frame: Buffer): void | Promise<void> {
    switch (code) {
      case FrontendCode.Query:
        return this.onQuery(frame);
      case FrontendCode.Parse: {
        const m = decodeParse(frame);
        const statement = { name: m.statement, sql: m.sql, paramTypes: m.paramTypes, columns: null };
        this.ext.setStatement(statement);
        return this.forward(frame, { kind: "complete", statement });
      }
      case FrontendCode.Bind: {
        const m = decodeBind(frame);
        const statement = this.ext.statements.get(m.statement) ?? null;
        const portal = {
          name: m.portal,
          statement,
          sql: statement?.sql ?? `/* prepared statement "${m.statement}" was not prepared through the gateway */`,
          params: recordParams(m.values, m.paramFormats, statement?.paramTypes ?? []),
          resultFormats: m.resultFormats,
          columns: null,
          run: null,
        };
        this.ext.setPortal(portal);
        return this.forward(frame, { kind: "complete", portal });
      }
      case FrontendCode.Describe: {
        const m = decodeTarget(frame, "Describe");
        const statement = m.target === "S" ? (this.ext.statements.get(m.name) ?? null) : null;
        const portal = m.target === "P" ? (this.ext.portals.get(m.name) ?? null) : null;
        return this.forward(frame, { kind: "describe", statement, portal });
      }
      case FrontendCode.Execute:
        return this.onExecute(frame);
      case FrontendCode.Close: {
        const m = decodeTarget(frame, "Close");
        if (m.target === "S") this.ext.statements.delete(m.name);
        else this.ext.portals.delete(m.name);
        return this.forward(frame, { kind: "complete" });
      }
      case FrontendCode.Sync:
        return this.forward(frame, { kind: "sync" });
      case FrontendCode.Flush:
      case FrontendCode.CopyData:
      case FrontendCode.CopyDone:
      case FrontendCode.CopyFail:
        this.toUpstream.push(frame);
        return;
      case FrontendCode.Terminate:
        // The server answers what came before, then closes; the session ends when it has.
        this.toUpstream.push(frame);
        this.isTerminating = true;
        this.client.socket.off("data", this.onClientData);
        setTimeout(() => this.deps.close("client_terminated"), 5000).unref();
        return;
      case FrontendCode.FunctionCall:
        // The fast-path function call runs any function by OID, outside SQL and thus outside policy.
        this.tracker.expect(
          {
            kind: "synthetic",
            build: (status) => [
              errorResponse({ severity: "ERROR", sqlState: SqlState.FeatureNotSupported, message: "the function call protocol message is not supported through Warden; call the function in SQL" }),
              readyForQuery(status),
            ],
          },
          (b) => this.toClient.push(b),
        );
        this.flushClient();
        return;
      default:
        throw protocolViolation(`invalid frontend message type ${codeName(code)}`);
    }
  }

  private forward(frame: Buffer, expectation: Parameters<ResponseTracker["expect"]>[0]): void {
    this.toUpstream.push(frame);
    this.tracker.expect(expectation, (b) => this.toClient.push(b));
  }

  /** Query ('Q'): one or more statements in one string. https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY */
  private onQuery(frame: Buffer): void | Promise<void> {
    const { sql } = decodeQuery(frame);
    const c = classifySql(sql);
    const parseError = c.isParsed ? null : c.error;
    const runs = c.statements.map((s) => this.newRun("simple", s.sql, null, s, parseError));
    if (runs.length === 0) return this.forward(frame, { kind: "query", runs, index: 0, blockedRun: null });
    return then(this.admit(runs), (blockedIndex) => {
      if (blockedIndex === null) {
        for (const r of runs) r.markForwarded();
        return this.forward(frame, { kind: "query", runs, index: 0, blockedRun: null });
      }
      const ran = runs.slice(0, blockedIndex);
      const blocked = runs[blockedIndex];
      for (const r of ran) r.markForwarded();
      // Earlier statements keep their place; the refused one is replaced by the raise.
      const text = [...ran.map((r) => r.ctx.sql), raiseErrorSql(blocked.blockedWith!.sqlState, blocked.blockedWith!.message)].join("\n;\n");
      this.forward(serialize.query(text), { kind: "query", runs: [...ran, blocked], index: 0, blockedRun: blocked });
    });
  }

  /** Execute ('E'): runs a bound portal; policy sees the SQL and the bound parameters here. */
  private onExecute(frame: Buffer): void | Promise<void> {
    const { portal: name } = decodeExecute(frame);
    const portal = this.ext.portals.get(name) ?? null;
    if (portal?.run && portal.run.status === "suspended") {
      // Fetching more rows of a suspended portal continues the statement already decided and recorded.
      portal.run.status = "running";
      portal.run.isFinished = false;
      return this.forward(frame, { kind: "execute", run: portal.run, portal });
    }
    const sql = portal?.sql ?? `/* portal "${name}" was not bound through the gateway */`;
    const c = classifySql(sql);
    const classification: ClassifiedStatement = c.statements[0] ?? { sql, kind: "unknown", command: "EmptyQuery", relations: [], fingerprint: null, flags: [] };
    const run = this.newRun("extended", sql, portal?.params ?? null, classification, c.isParsed ? (portal ? null : "unknown portal") : c.error);
    if (portal) portal.run = run;
    return then(this.admit([run]), (blockedIndex) => {
      if (blockedIndex === null) {
        run.markForwarded();
        return this.forward(frame, { kind: "execute", run, portal });
      }
      const messages = blockedExecuteMessages(run.blockedWith!.sqlState, run.blockedWith!.message);
      for (const m of messages.slice(0, BLOCKED_EXECUTE_SWALLOWED)) this.forward(m, { kind: "swallow" });
      this.forward(messages[BLOCKED_EXECUTE_SWALLOWED], { kind: "blocked", run });
    });
  }

  private newRun(protocol: "simple" | "extended", sql: string, params: ReturnType<typeof recordParams> | null, classification: ClassifiedStatement, parseError: string | null) {
    return new StatementRun(
      {
        session: this.deps.session,
        statementId: randomUUID(),
        protocol,
        sql,
        params,
        classification,
        parseError,
        seq: ++this.seq,
        preparedStatementSql: (name) => this.ext.statements.get(name)?.sql ?? null,
      },
      this.deps.limits,
    );
  }

  /**
   * Decides on and records the statements; resolves to the index of the first refused one (those
   * after it are not run), or null. Synchronous when nothing needs waiting for.
   */
  private admit(runs: StatementRun[]): number | null | Promise<number | null> {
    return then(this.decide(runs, 0), (blockedIndex) => {
      if (blockedIndex !== null) for (const r of runs.slice(blockedIndex + 1)) r.status = "skipped";
      const { session } = this.deps;
      let recorded: Promise<void> | undefined;
      try {
        recorded = this.deps.recorder.beginStatements(runs.map((r) => ({ row: r.beginRow(session.id), audit: r.beginAudit(session.userName, session.connection.name) })));
      } catch (err) {
        return this.refuseUnrecorded(runs, err);
      }
      if (!recorded) return blockedIndex;
      return recorded.then(
        () => blockedIndex,
        (err) => this.refuseUnrecorded(runs, err),
      );
    });
  }

  private refuseUnrecorded(runs: StatementRun[], err: unknown): number {
    if (!(err instanceof RecordingUnavailable)) throw err;
    this.deps.log.warn("refused a statement that could not be recorded", { error: err.message });
    for (const r of runs) {
      r.status = "skipped";
      r.isFinished = true;
    }
    const message = err.clientMessage("the statement was not run");
    runs[0].decide({ action: "block", sqlState: err.sqlState, message }, false, `not recorded: ${err.reason.replaceAll("_", " ")}`);
    return 0;
  }

  private decide(runs: StatementRun[], from: number): number | null | Promise<number | null> {
    const hook = this.deps.hooks.decideStatement;
    for (let i = from; i < runs.length; i++) {
      let d: Decision | Promise<Decision>;
      try {
        d = hook ? hook(runs[i].ctx) : FORWARD;
      } catch (err) {
        d = this.policyFailure(err);
      }
      if (d instanceof Promise || d.action === "hold") return this.decideAsync(runs, i, d);
      runs[i].decide(d, false);
      if (d.action === "block") return i;
    }
    return null;
  }

  private async decideAsync(runs: StatementRun[], i: number, pending: Decision | Promise<Decision>): Promise<number | null> {
    let d: Decision;
    try {
      d = await pending;
    } catch (err) {
      d = this.policyFailure(err);
    }
    let final: FinalDecision;
    let wasHeld = false;
    if (d.action === "hold") {
      wasHeld = true;
      this.heldStatement = d;
      if (this.isStopped) d.withdraw?.("disconnected");
      else if (d.notice) this.sendNotice(d.notice);
      try {
        final = await d.outcome;
      } catch (err) {
        final = this.policyFailure(err);
      } finally {
        this.heldStatement = null;
      }
    } else {
      final = d;
    }
    // Decided before the stop check, so a statement withdrawn by the client leaving is recorded as refused.
    runs[i].decide(final, wasHeld);
    if (this.isStopped) return i;
    if (final.action === "block") return i;
    return this.decide(runs, i + 1);
  }

  private policyFailure(err: unknown): FinalDecision {
    this.deps.log.error("policy hook failed; refusing the statement", { error: (err as Error)?.message });
    return { action: "block", sqlState: SqlState.InternalError, message: "Warden could not evaluate its policy for this statement, so it was not run." };
  }

  private flushUpstream(): void {
    if (!this.toUpstream.flushTo(this.upstream.socket)) this.waitForDrain(this.upstream.socket, "upstream-full", (on) => this.pauseClient("upstream-full", on));
  }

  // ---- upstream -> client -------------------------------------------------------------------

  private onUpstreamData = (chunk: Buffer) => {
    try {
      this.upstream.reader.push(chunk, this.onUpstreamFrame);
    } catch (err) {
      return this.fail(err);
    }
    this.flushClient();
  };

  private onUpstreamFrame = (code: number, frame: Buffer) => {
    if (this.heldUpstream) this.heldUpstream.push({ code, frame });
    else this.takeUpstreamFrame({ code, frame });
  };

  /** One server message, in order: masked when it may echo data, then tracked and passed on. */
  private takeUpstreamFrame(f: HeldFrame): void {
    const filter = this.deps.hooks.filterServerMessage;
    if (filter && !f.isFiltered && ECHOING_MESSAGES.has(f.code)) {
      let filtered: Buffer | null | Promise<Buffer | null>;
      try {
        filtered = filter(this.deps.session, f.frame);
      } catch (err) {
        filtered = this.withheldMessage(f.frame, err);
      }
      if (filtered instanceof Promise) {
        const settled = filtered.then(
          (frame) => ({ code: f.code, frame, isFiltered: true }),
          (err: unknown) => ({ code: f.code, frame: this.withheldMessage(f.frame, err), isFiltered: true }),
        );
        return this.holdUpstream(settled);
      }
      if (filtered === null) return;
      f = { code: f.code, frame: filtered, isFiltered: true };
    }
    const wait = this.tracker.handle(f.code, f.frame, (b) => this.toClient.push(b));
    if (wait) this.holdUpstream(wait.then(() => f));
  }

  /**
   * Holds the server's messages back, in order and with reading paused, until `next` settles with the
   * message to take first (null: none); a row filter or message mask being prepared asynchronously.
   */
  private holdUpstream(next: Promise<{ code: number; frame: Buffer | null; isFiltered?: boolean }>): void {
    this.heldUpstream = [];
    this.pauseUpstream("masking", true);
    next.then(
      (first) => {
        if (this.isStopped) return;
        const queue = this.heldUpstream ?? [];
        this.heldUpstream = null;
        try {
          if (first.frame) this.takeUpstreamFrame({ code: first.code, frame: first.frame, isFiltered: first.isFiltered });
          for (let i = 0; i < queue.length; i++) {
            // A later message needs waiting for in turn: the rest stays held behind it.
            const heldAgain = this.heldUpstream as HeldFrame[] | null;
            if (heldAgain) {
              heldAgain.push(...queue.slice(i));
              break;
            }
            this.takeUpstreamFrame(queue[i]);
          }
        } catch (err) {
          return this.fail(err);
        }
        if (!this.heldUpstream) this.pauseUpstream("masking", false);
        this.flushClient();
      },
      (err) => this.fail(err),
    );
  }

  /** Fail closed: an error whose text could not be masked keeps its code but not its text; a notice is dropped. */
  private withheldMessage(frame: Buffer, err: unknown): Buffer | null {
    this.deps.log.error("a server message could not be masked; withheld", { error: (err as Error)?.message });
    if (frame[0] !== BackendCode.ErrorResponse) return null;
    const e = decodeBackendFrame<DatabaseError>(frame);
    return errorResponse({
      severity: e.severity === "FATAL" || e.severity === "PANIC" ? "FATAL" : "ERROR",
      sqlState: e.code ?? SqlState.InternalError,
      message: "the server's error message was withheld: Warden could not mask it",
    });
  }

  private flushClient(): void {
    if (!this.toClient.flushTo(this.client.socket)) this.waitForDrain(this.client.socket, "client-full", (on) => this.pauseUpstream("client-full", on));
  }

  // ---- backpressure -------------------------------------------------------------------------

  private readonly draining = new Set<string>();

  private waitForDrain(socket: Duplex, reason: string, pause: (on: boolean) => void) {
    if (this.draining.has(reason)) return;
    this.draining.add(reason);
    pause(true);
    socket.once("drain", () => {
      this.draining.delete(reason);
      pause(false);
    });
  }

  private pauseClient(reason: string, on: boolean) {
    setPaused(this.client.socket, this.clientPauses, reason, on, this.isStopped);
  }

  private pauseUpstream(reason: string, on: boolean) {
    setPaused(this.upstream.socket, this.upstreamPauses, reason, on, this.isStopped);
  }

  private fail(err: unknown) {
    if (this.isStopped) return;
    if (err instanceof ClientError) {
      this.deps.close(err.sqlState === SqlState.ProtocolViolation ? "protocol_violation" : "error", err);
      return;
    }
    this.deps.log.error("unexpected error in the relay", { error: (err as Error)?.stack ?? String(err) });
    this.deps.close("internal_error", ClientError.fatal(SqlState.InternalError, "internal error in the Warden gateway; the connection was closed"));
  }
}

function setPaused(socket: Duplex, reasons: Set<string>, reason: string, on: boolean, isStopped: boolean) {
  if (on) reasons.add(reason);
  else reasons.delete(reason);
  if (isStopped) return;
  if (reasons.size > 0) socket.pause();
  else socket.resume();
}

/** Continues with `f` now when `v` is a plain value, or when the promise settles. */
function then<T, R>(v: T | Promise<T>, f: (value: T) => R | Promise<R>): R | Promise<R> {
  return v instanceof Promise ? v.then(f) : f(v);
}
