import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { serialize } from "pg-protocol";
import type { DatabaseError } from "pg-protocol/dist/messages";
import type { ClassifiedStatement, SqlClassification } from "@/lib/policy/classify-statement";
import type { BlastRadiusRule } from "@/lib/policy/policy-document";
import { bracketMessages, BracketCollector } from "../blast-radius/guard-bracket";
import { GuardedWrite, type GuardedStatement, type GuardHost } from "../blast-radius/guarded-write";
import type { ReplySink } from "../blast-radius/reply-sink";
import type { GatewayHooks, HoldDecision, SessionInfo } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import { errorResponse, noticeResponse } from "../protocol/backend-messages";
import { decodeBackendFrame } from "../protocol/backend-decoders";
import { ClientError, protocolViolation } from "../protocol/client-error";
import type { Frame } from "../protocol/frame-inbox";
import type { FrameReader } from "../protocol/frame-reader";
import { decodeBind, decodeExecute, decodeParse, decodeTarget } from "../protocol/frontend-messages";
import { decodeFunctionCall, functionCallOfNothing } from "../protocol/function-call-message";
import { BackendCode, codeName, FrontendCode } from "../protocol/message-codes";
import { SqlState } from "../protocol/sql-state";
import { RecordingUnavailable, type Recorder } from "../recording/recorder";
import { withSenderPid } from "./backend-pids";
import { AuthoredMessages } from "./authored-messages";
import { isReservedName, raiseErrorSql, refusalCleanupMessages, refusalMessages, REFUSAL_SWALLOWED } from "./block-statement";
import { CopyInWindow } from "./copy-in-window";
import { decideStatements, EMPTY_QUERY, type DecisionDeps, type Refusal } from "./decide-statements";
import { judgeFunctionCall, lookUpFunction } from "./function-call";
import { OutputBuffer } from "./output-buffer";
import { classifyClientSql, decodeQueryText, oversizedClassification, type SqlDigest } from "./query-text";
import { READ_ONLY_TURNED_OFF, READING_CHANGED, readingChange, readingChangedError, readOnlyChange, readOnlyTurnedOffError } from "./reading-guard";
import { ReplyTracker, type Expectation } from "./reply-tracker";
import { withholdResult } from "./result-stream";
import { ReadOnlyBoundary } from "./read-only-boundary";
import { resolveStatements } from "./resolve-statements";
import { StatementNamespace, type Lookup, type PendingChange, type Portal, type PreparedStatement } from "./statement-namespace";
import { recordParams, StatementRun, type ResultLimits } from "./statement-run";
import { setUpRowFilter } from "./row-filter-setup";
import { FLUSH, syntaxProbeMessages, type ProbeOutcome } from "./syntax-probe";
import { UpstreamGate, type UpstreamFrame } from "./upstream-gate";
import { UpstreamOutbox } from "./upstream-outbox";

export type RelayLimits = ResultLimits & {
  /** Named prepared statements a session may have at once; past it new names are refused. */
  maxPreparedStatements: number;
  /** Named portals a session may have at once. */
  maxPortals: number;
};

export type RelayDeps = {
  session: SessionInfo;
  recorder: Recorder;
  hooks: GatewayHooks;
  limits: RelayLimits;
  log: Logger;
  /** Ends the session (idempotent); with an error, the client is told why first. */
  close(reason: string, error?: ClientError): void;
  /** The process id a notification's sender has for this client (backend-pids.ts); absent: the server's. */
  senderPid?(backendPid: number): number;
};

type Side = { socket: Duplex; reader: FrameReader };

/** Server messages that can echo data, for the message mask. */
const ECHOING_MESSAGES = new Set<number>([BackendCode.ErrorResponse, BackendCode.NoticeResponse, BackendCode.NotificationResponse]);

/** Client messages read ahead while an earlier one waits (policy, approval, record): past this, reading pauses. */
const MAX_READ_AHEAD_BYTES = 8 * 1024 * 1024;
/** Writes waiting for their records with later messages queued behind them: past this, judging pauses too. */
const MAX_WAITING_WRITES = 4096;

/**
 * What the relay does with the client's messages. Frames are read as they come (so a client that
 * leaves is noticed at once, whatever it waits for) and handled in order.
 */
type ClientStep =
  /** Each frame is handled as it comes. */
  | { kind: "reading" }
  /** A frame's handling waits (policy, approval, record, the server's answer to an earlier change): later frames queue. */
  | { kind: "waiting"; for: string; hold: HoldDecision | null }
  /** The client sent Terminate: nothing more is read; the server's close ends the session. */
  | { kind: "terminating" }
  | { kind: "stopped" };

/**
 * The `ready` phase: frames flow both ways, mostly untouched. Each statement (a Query's statements,
 * or an Execute with its bound parameters) is classified, judged by the policy hook, recorded
 * (committed first in strict mode, except reads, whose results wait for it), then forwarded;
 * answers are matched to statements by the ReplyTracker. Prepared statements and portals are the
 * server's (StatementNamespace). Each socket is paused while the other cannot take more.
 */
export class Relay {
  private readonly tracker: ReplyTracker;
  private readonly namespace: StatementNamespace;
  private readonly readOnlyBoundary = new ReadOnlyBoundary();
  private readonly toUpstream = new OutputBuffer();
  private readonly toClient = new OutputBuffer();
  /** Refusals sent for the server to raise: their errors are Warden's words, not data to mask. */
  private readonly authored = new AuthoredMessages();
  private readonly gate: UpstreamGate;
  private readonly outbox: UpstreamOutbox;
  private inbound: Frame[] = [];
  private inboundHead = 0;
  private inboundBytes = 0;
  private step: ClientStep = { kind: "reading" };
  private seq = 0;
  /** Runs recorded as begun and not finished: a session that ends finishes them as unknown. */
  private readonly openRuns = new Set<StatementRun>();
  /** The COPY FROM STDIN the client may be in (see CopyInWindow). */
  private copyIn: CopyInWindow | null = null;
  private readonly clientPauses = new Set<string>();
  private readonly upstreamPauses = new Set<string>();
  private readonly draining = new Set<string>();
  /** What the client defined while the server skips to Sync (it never will have them), for the record of skipped Executes. */
  private readonly skipped = { statements: new Map<string, PreparedStatement>(), portals: new Map<string, Portal>() };
  private readonly decisionDeps: DecisionDeps;
  /** A FATAL from the server reached the client: a close needs no further explanation. */
  private hasForwardedFatal = false;
  /** Statements of text Warden could not parse whose Parse the server has not answered yet: settled with the answer. */
  private readonly unansweredParses = new Map<PreparedStatement, Promise<void>>();
  /** An extended-protocol refusal was sent since the last Sync: its reserved statement is closed after the next one. */
  private hasRefusalStatement = false;
  /** The portal of an Execute that waited for such a Parse's answer: if the server refused it, the Execute is skipped as this portal's. */
  private portalAwaitingParse: Portal | null = null;
  /** While the blast-radius guard measures a write, the server's answers for the client are kept here. */
  private guardSink: ReplySink | null = null;
  /** Extended protocol: the guard began a transaction in place of the pipeline's implicit one; it ends at the client's Sync. */
  private isGuardBlockOpen = false;
  private readonly guardHost: GuardHost;

  constructor(
    private readonly client: Side,
    private readonly upstream: Side,
    private readonly deps: RelayDeps,
    transactionStatus: string,
  ) {
    this.namespace = new StatementNamespace({ maxStatements: deps.limits.maxPreparedStatements, maxPortals: deps.limits.maxPortals });
    this.decisionDeps = {
      hooks: deps.hooks,
      log: deps.log,
      isStopped: () => this.isStopped,
      onHold: (hold) => {
        this.step = { kind: "waiting", for: "approval", hold };
        if (hold.notice) this.sendNotice(hold.notice);
      },
      onHoldEnded: () => {
        if (this.step.kind === "waiting") this.step = { kind: "waiting", for: "statement", hold: null };
      },
      notify: (message) => this.sendNotice(message),
      recordRefused: (run) => this.recordRefused(run),
    };
    this.tracker = new ReplyTracker({
      onFinished: (run) => {
        // The blast-radius guard records it once it has decided (guarded-write.ts).
        if (run.isMeasured) return;
        // Suspended counts as answered: it stays so unless the client executes the portal again.
        if (run.isFinished || run.status === "suspended") this.openRuns.delete(run);
        deps.recorder.finishStatement(run.finishRow());
        deps.hooks.onStatementFinished?.(run.ctx);
      },
      onColumns: (run) => setUpRowFilter(run, deps.hooks),
      onReady: (status) => {
        deps.hooks.onReadyForQuery?.(deps.session, status as "I" | "T" | "E");
      },
      onMismatch: (detail) => deps.log.warn("unexpected server message order", { detail }),
    });
    this.tracker.transactionStatus = transactionStatus;
    this.outbox = new UpstreamOutbox(
      (frame, expectation) => {
        if (frame) this.toUpstream.push(frame);
        if (expectation) this.tracker.expect(expectation, this.out);
      },
      {
        afterDrain: () => {
          this.flushUpstream();
          this.flushClient();
        },
        fail: (err) => this.fail(err),
      },
    );
    this.guardHost = {
      log: deps.log.child({ component: "blast-radius" }),
      hooks: deps.hooks,
      isStopped: () => this.isStopped,
      transactionStatus: () => this.tracker.transactionStatus,
      willSkip: () => this.tracker.willSkip,
      send: (frame, expectation) => {
        this.outbox.send(frame, expectation);
        this.flushUpstream();
      },
      setSink: (sink) => {
        this.guardSink = sink;
      },
      emit: (frames) => {
        for (const f of frames) this.toClient.push(f);
        this.flushClient();
      },
      onHold: (hold) => this.decisionDeps.onHold(hold),
      onHoldEnded: () => this.decisionDeps.onHoldEnded(),
      recordRuns: (runs) => this.recordGuardedRuns(runs),
      endBlockAtSync: () => {
        this.isGuardBlockOpen = true;
      },
      isBlockOpenUntilSync: () => this.isGuardBlockOpen,
      fail: (err) => this.fail(err),
    };
    this.gate = new UpstreamGate((f) => this.takeUpstreamFrame(f), {
      pause: (on) => this.pauseUpstream("gate", on),
      flush: () => this.flushClient(),
      fail: (err) => this.fail(err),
      isStopped: () => this.step.kind === "stopped",
    });
  }

  /** Takes over both sockets; `early` frames arrived before the relay did. */
  start(clientEarly: Frame[], upstreamEarly: Frame[]): void {
    for (const f of upstreamEarly) this.onUpstreamFrame(f.code, f.frame);
    if (this.isStopped) return;
    this.flushClient();
    for (const f of clientEarly) this.queueInbound(f);
    this.client.socket.on("data", this.onClientData);
    this.upstream.socket.on("data", this.onUpstreamData);
    this.client.socket.resume();
    this.upstream.socket.resume();
    this.pump();
  }

  /**
   * Stops both directions. Statements still waiting for the server's answer, or for approval, end as
   * unknown with the reason; a held statement's request is withdrawn.
   */
  stop(reason: string): void {
    if (this.step.kind === "stopped") return;
    const hold = this.step.kind === "waiting" ? this.step.hold : null;
    this.step = { kind: "stopped" };
    this.client.socket.off("data", this.onClientData);
    this.upstream.socket.off("data", this.onUpstreamData);
    this.client.reader.stop();
    this.upstream.reader.stop();
    this.outbox.clear();
    this.tracker.abandon();
    this.namespace.abandon();
    hold?.withdraw?.("disconnected");
    for (const run of this.openRuns) {
      if (run.isFinished) {
        // Answered while the blast-radius guard measured it: its outcome was waiting for the guard.
        if (run.isMeasured) {
          run.isMeasured = false;
          this.deps.recorder.finishStatement(run.finishRow());
        }
        continue;
      }
      run.isMeasured = false;
      // Never forwarded (waiting for its record): it did not run. Forwarded: nobody knows.
      if (!run.isForwarded) run.finish("skipped", { error: { code: SqlState.ConnectionFailure, message: `the session ended (${reason.replaceAll("_", " ")}) before the statement was sent` } });
      else run.finish("unknown", { error: { code: SqlState.ConnectionFailure, message: `the session ended (${reason.replaceAll("_", " ")}) before the server answered` } });
      this.deps.recorder.finishStatement(run.finishRow());
    }
    this.openRuns.clear();
  }

  /** A CancelRequest for a statement still waiting for approval withdraws its request; true if there was one. */
  cancelHeld(): boolean {
    if (this.step.kind !== "waiting" || !this.step.hold?.withdraw) return false;
    this.step.hold.withdraw("cancelled");
    return true;
  }

  private get isStopped(): boolean {
    return this.step.kind === "stopped";
  }

  get isTerminating(): boolean {
    return this.step.kind === "terminating";
  }

  /** A statement may be running on the server (forwarded, not answered yet). */
  get hasStatementInFlight(): boolean {
    for (const run of this.openRuns) if (run.isForwarded && !run.isFinished) return true;
    return false;
  }

  /** A FATAL error from the server already told the client why the session ends. */
  get hasToldClientOfFatal(): boolean {
    return this.hasForwardedFatal;
  }

  get transactionStatus(): string {
    return this.tracker.transactionStatus;
  }

  /** Writes a NoticeResponse to the client now (notices may come at any time). */
  sendNotice(message: string): void {
    this.toClient.push(noticeResponse({ sqlState: "00000", message }));
    this.flushClient();
  }

  // ---- client -> upstream -------------------------------------------------------------------

  private onClientData = (chunk: Buffer) => {
    try {
      this.client.reader.push(chunk, (code, frame) => this.queueInbound({ code, frame }));
    } catch (err) {
      return this.fail(err);
    }
    this.pump();
  };

  private queueInbound(f: Frame) {
    this.inbound.push(f);
    this.inboundBytes += f.frame.length;
    if (this.inboundBytes > MAX_READ_AHEAD_BYTES) this.pauseClient("read-ahead", true);
  }

  /** Handles queued client frames in order; a frame whose handling waits holds the rest back. */
  private pump(): void {
    while (this.step.kind === "reading" && this.inboundHead < this.inbound.length) {
      const f = this.inbound[this.inboundHead];
      let pending: void | Promise<void>;
      try {
        pending = this.handleClientFrame(f.code, f.frame);
      } catch (err) {
        return this.fail(err);
      }
      if (this.isStopped) return;
      if (pending) {
        if (this.step.kind === "reading") this.step = { kind: "waiting", for: "statement", hold: null };
        this.flushUpstream();
        pending.then(
          () => {
            if (this.step.kind === "stopped" || this.step.kind === "terminating") return;
            this.step = { kind: "reading" };
            this.consumeInbound();
            this.flushUpstream();
            this.pump();
          },
          (err) => this.fail(err),
        );
        return;
      }
      this.consumeInbound();
    }
    if (this.inboundHead >= this.inbound.length) {
      this.inbound = [];
      this.inboundHead = 0;
    }
    this.flushUpstream();
  }

  private consumeInbound() {
    const f = this.inbound[this.inboundHead++];
    this.inboundBytes -= f.frame.length;
    if (this.inboundBytes <= MAX_READ_AHEAD_BYTES) this.pauseClient("read-ahead", false);
  }

  /**
   * Re-handles the current frame once `settled` resolves (an earlier change of the namespace or a
   * COPY's start, answered by the server). The frame stays at the head of the queue meanwhile.
   */
  private retryAfter(settled: Promise<void>, what: string): Promise<void> {
    this.step = { kind: "waiting", for: what, hold: null };
    return settled.then(() => {
      if (this.step.kind === "stopped") return;
      this.step = { kind: "reading" };
      const f = this.inbound[this.inboundHead];
      const again = this.handleClientFrame(f.code, f.frame);
      if (again) {
        if (this.step.kind === "reading") this.step = { kind: "waiting", for: "statement", hold: null };
        this.flushUpstream();
        return again;
      }
    });
  }

  /** One frontend message. https://www.postgresql.org/docs/current/protocol-message-formats.html */
  private handleClientFrame(code: number, frame: Buffer): void | Promise<void> {
    if (this.copyIn && !this.copyIn.isFinished && !COPY_IN_MESSAGES.has(code)) {
      // The server may be reading COPY data at this point of the stream (see CopyInWindow).
      if (this.copyIn.isUndecided) return this.retryAfter(this.copyIn.changed(), "copy");
      if (this.copyIn.isServerCopying) return this.interruptCopy(code);
    }
    switch (code) {
      case FrontendCode.Query:
        return this.onQuery(frame);
      case FrontendCode.Parse:
        return this.onParse(frame);
      case FrontendCode.Bind:
        return this.onBind(frame);
      case FrontendCode.Describe:
        return this.onDescribe(frame);
      case FrontendCode.Execute:
        return this.onExecute(frame);
      case FrontendCode.Close:
        return this.onClose(frame);
      case FrontendCode.Sync:
        this.skipped.statements.clear();
        this.skipped.portals.clear();
        {
          // The server drops every portal if the transaction ends at this Sync (known from ReadyForQuery).
          const endsTransaction = this.namespace.propose({ space: "portal", kind: "drop", name: null });
          const isConditional = this.copyIn && !this.copyIn.isFinished;
          if (this.isGuardBlockOpen && !isConditional) {
            // The blast-radius guard began a transaction in place of the pipeline's implicit one: it
            // ends here as that one would. The client's Sync ends any skipping (its answer is the
            // guard's); COMMIT then commits, or rolls back a transaction an error aborted; a last
            // Sync answers the client with the status after it. A COMMIT that fails (a deferred
            // constraint) is the client's error, as at the Sync of an implicit transaction.
            this.isGuardBlockOpen = false;
            this.outbox.send(frame, { kind: "guard", isSync: true, take: (c) => c === BackendCode.ReadyForQuery });
            const collector = new BracketCollector(1, (r) => {
              if (r.error) this.out(r.error.frame);
            });
            bracketMessages(["COMMIT"]).forEach((f, i) => this.outbox.send(f, i === 0 ? { kind: "guard", take: (c, b) => collector.take(c, b) } : null));
            frame = serialize.sync();
          }
          this.outbox.send(frame, isConditional ? { kind: "sync", copyIn: this.copyIn!, segment: this.copyIn!.segment, endsTransaction } : { kind: "sync", endsTransaction });
          // Not after a Sync the server may read in copy-in mode: a Close there would fail the COPY.
          if (this.hasRefusalStatement && !isConditional) {
            this.hasRefusalStatement = false;
            const [close, flush] = refusalCleanupMessages();
            this.forward(close, { kind: "swallow" });
            this.outbox.send(flush, null);
          }
        }
        this.namespace.endBlock();
        return;
      case FrontendCode.CopyDone:
      case FrontendCode.CopyFail:
        if (this.copyIn) this.copyIn.segment++;
        this.outbox.send(frame, null);
        return;
      case FrontendCode.Flush:
      case FrontendCode.CopyData:
        this.outbox.send(frame, null);
        return;
      case FrontendCode.Terminate:
        // The server answers what came before, then closes; the session ends when it has.
        this.outbox.send(frame, null);
        this.step = { kind: "terminating" };
        this.client.socket.off("data", this.onClientData);
        setTimeout(() => this.deps.close("client_terminated"), 5000).unref();
        return;
      case FrontendCode.FunctionCall:
        return this.onFunctionCall(frame);
      default:
        throw protocolViolation(`invalid frontend message type ${codeName(code)}`);
    }
  }

  // While the guard measures, answers wait in its sink; a FATAL error ends the session (and its transaction) anyway, so the client hears it at once.
  private readonly out = (b: Buffer) => (this.guardSink && !(b[0] === BackendCode.ErrorResponse && isFatal(b)) ? this.guardSink.push(b) : this.toClient.push(b));

  private forward(frame: Buffer, expectation: Expectation): void {
    this.outbox.send(frame, expectation);
  }

  /** The server will skip what the client sends now (an error earlier in its pipeline, no Sync since). */
  private get serverWillSkip(): boolean {
    return this.outbox.isEmpty && this.tracker.willSkip;
  }

  /**
   * The server is reading COPY data and the client sent something else: PostgreSQL fails the COPY
   * ("unexpected message type during COPY from stdin") and drops the message. The gateway does the
   * same with a CopyFail, so the message never reaches a server that would take it out of order.
   */
  private interruptCopy(code: number): void {
    this.outbox.send(serialize.copyFail(`unexpected message type 0x${code.toString(16).padStart(2, "0")} during COPY from stdin`), null);
    this.copyIn!.segment++;
  }

  /** Query ('Q'): one or more statements in one string. https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY */
  private onQuery(frame: Buffer): void | Promise<void> {
    const earlier = this.readOnlyWait();
    if (earlier) return this.retryAfter(earlier, "read-only boundary");
    const text = decodeQueryText(frame);
    if (text.digest instanceof Promise) {
      // Too large to classify: refused, recorded by its beginning and the whole text's hash.
      return text.digest.then((digest) => this.runQuery(frame, text.sql, oversizedClassification(text.sql, digest), digest));
    }
    return this.runQuery(frame, text.sql, this.classify(text.sql));
  }

  private runQuery(frame: Buffer, sql: string, c: SqlClassification, digest?: SqlDigest, isProbed = false): void | Promise<void> {
    // Text Warden cannot parse: PostgreSQL's parser speaks first (syntax-probe.ts). Unless the server
    // skips this Query anyway (an earlier error, no Sync since): then the refusal below is skipped too.
    if (!isProbed && isUnparsed(c) && !this.serverWillSkip) return this.probeQuery(frame, sql, c);
    const parseError = c.isParsed ? null : c.error;
    // A string with no statement (empty, blanks, comments) runs nothing; the server answers
    // EmptyQueryResponse, recorded as one statement like the extended protocol's empty Execute.
    const statements = c.statements.length > 0 ? c.statements : [emptyStatement(sql)];
    const resolved = resolveStatements(statements, this.namespace, { names: (n) => this.nameProblem(n) });
    if (resolved.kind === "uncertain") return this.retryAfter(resolved.settled, "namespace");
    const runs = resolved.statements.map((s) => this.newRun("simple", s.statement.sql, null, s.judged, parseError, digest));
    const hasCopy = resolved.statements.some((s) => s.statement.command === "CopyStmt");
    const refusals = this.withReadOnlyRefusals(resolved.statements.map((s) => s.refusal), resolved.statements.map((s) => s.judged));
    // Changes are proposed in the client's order (later messages are judged against them even while
    // this one waits for its record); one Query is one block.
    const changes = resolved.statements.map((s) => (s.change ? this.namespace.propose(s.change) : null));
    // PostgreSQL drops the unnamed statement and portal at every simple Query (proposed last: the
    // string's own changes settle first, at their CommandComplete; these at ReadyForQuery).
    const dropsUnnamed = [this.namespace.propose({ space: "statement", kind: "drop", name: "" }), this.namespace.propose({ space: "portal", kind: "drop", name: "" })];
    const endsTransaction = this.namespace.propose({ space: "portal", kind: "drop", name: null });
    this.namespace.endBlock();
    const copyIn = hasCopy ? (this.copyIn = new CopyInWindow()) : null;
    const mayGuard = this.mayGuard(runs) || this.copyToCheck(runs) !== null;
    // The guard brackets the whole string in one savepoint: a COMMIT or ROLLBACK in it would end the
    // guard's transaction, a COPY would wait for data. Such a string is held before it runs instead.
    // A leading BEGIN is fine: the guard's transaction becomes the client's (opensBlock below).
    const lead = runs.findIndex((r) => !isBeginStatement(r));
    const isUnbracketable = mayGuard && runs.length > 1 && runs.slice(Math.max(lead, 0)).some((r) => r.ctx.classification.kind === "transaction" || isCopyFrom(r));
    const guarded = mayGuard ? deferred() : null;
    const admitted = this.admit(runs, refusals, (blockedIndex) => {
      if (blockedIndex === null) {
        const forward = (attempt: number) =>
          this.forward(
            frame,
            attempt === 0
              ? { kind: "query", runs, changes, index: 0, blockedRun: null, copyIn, dropsUnnamed, endsTransaction }
              : { kind: "query", runs, changes: runs.map(() => null), index: 0, blockedRun: null, copyIn: null, dropsUnnamed: [], endsTransaction: null },
          );
        const copy = guarded ? this.copyToCheck(runs) : null;
        if (copy?.rule) {
          const g: GuardedStatement = { protocol: "simple", runs, rule: copy.rule, ctx: runs[0].ctx, forward, refuse: (run) => this.refuseQuery(run) };
          new GuardedWrite(this.guardHost, g).runCopy(copy.relations).then(guarded!.resolve, (err) => (this.fail(err), guarded!.resolve()));
          return;
        }
        if (!guarded) return forward(0);
        return this.afterReadSafety(runs, guarded, () => {
          const rule = this.guardRule(runs);
          if (!rule) {
            forward(0);
            return guarded.resolve();
          }
          const ctx = runs.length === 1 ? runs[0].ctx : { ...runs[0].ctx, sql, classification: runs.find((r) => this.isGuardable(r))!.ctx.classification };
          if (isUnbracketable) {
            const g: GuardedStatement = { protocol: "simple", runs, rule, ctx, forward, refuse: (run) => this.refuseQuery(run) };
            new GuardedWrite(this.guardHost, g).holdUnbracketable().then(guarded.resolve, (err) => (this.fail(err), guarded.resolve()));
            return;
          }
          this.runGuarded({ protocol: "simple", runs, rule, ctx, forward, refuse: (run) => this.refuseQuery(run), opensBlock: isBeginStatement(runs[0]) }, guarded);
        });
      }
      guarded?.resolve();
      const ran = runs.slice(0, blockedIndex);
      const blocked = runs[blockedIndex];
      // Earlier statements keep their place; the refused one is replaced by the raise.
      const replaced = [...ran.map((r) => r.ctx.sql), raiseErrorSql(blocked.blockedWith!.sqlState, blocked.blockedWith!.message)].join("\n;\n");
      this.authored.expect(blocked.blockedWith!.sqlState, blocked.blockedWith!.message, blocked.blockedWith!.quoted);
      this.forward(serialize.query(replaced), { kind: "query", runs: [...ran, blocked], changes, index: 0, blockedRun: blocked, copyIn, dropsUnnamed, endsTransaction });
    });
    return guarded ? Promise.all([admitted, guarded.promise]).then(() => undefined) : admitted;
  }

  /** The guard refused a Query (rejected by a reviewer, or not measurable): the server raises the refusal in its place. */
  private refuseQuery(run: StatementRun): void {
    const { sqlState, message, quoted } = run.blockedWith!;
    this.authored.expect(sqlState, message, quoted);
    this.forward(serialize.query(raiseErrorSql(sqlState, message)), { kind: "query", runs: [run], changes: [null], index: 0, blockedRun: run, copyIn: null, dropsUnnamed: [], endsTransaction: null });
    this.flushUpstream();
  }

  /**
   * A statement the blast-radius guard may have to measure: one that can write (a write, a DO
   * block or CALL, a read that is not read-safe, such as a SELECT of a writing function or a
   * data-modifying CTE, a COPY (query) TO STDOUT that calls a writing function), forwarded by the
   * policy as is. TRUNCATE and COPY FROM are not: TRUNCATE is held by its own rule; COPY FROM STDIN
   * needs the client's data while the guard waits (copyToCheck).
   */
  private isGuardable(run: StatementRun): boolean {
    const { classification: c, parseError } = run.ctx;
    if (parseError || isCopyFrom(run) || c.command === "TruncateStmt" || c.command === "NotifyStmt") return false;
    // An INSERT of plain values into a table that runs no code on insert adds rows and nothing else:
    // inserts count toward no limit, so it is not measured (a pipeline of them pays nothing).
    if (c.kind === "write" && c.plainInsertTarget && this.deps.hooks.isPlainInsert?.(run.ctx)) return false;
    if (c.kind === "write" || c.kind === "procedural") return true;
    if (c.kind === "read") return !(this.deps.hooks.isSafeRead?.(run.ctx) ?? false);
    return false;
  }

  /** Whether the guard may have to measure these statements (before they are decided: undefined rules count). */
  private mayGuard(runs: StatementRun[]): boolean {
    const ruleFor = this.deps.hooks.blastRadiusRule;
    // A read-only session's upstream refuses every write itself (default_transaction_read_only): nothing to measure.
    if (!ruleFor || this.deps.session.isReadOnly) return false;
    return runs.some((r) => this.isGuardable(r) && ruleFor(r.ctx) !== null);
  }

  /**
   * The rule that guards these decided statements, or null. A statement a reviewer already approved
   * (held by an approval rule, or under a grant) is not measured again. The policy is loaded by now:
   * deciding the statement needed it, and a statement decided without it was refused.
   */
  private guardRule(runs: StatementRun[]): BlastRadiusRule | null {
    const ruleFor = this.deps.hooks.blastRadiusRule!;
    for (const r of runs) {
      if (r.isReviewed || r.decision !== "forward" || !this.isGuardable(r)) continue;
      const rule = ruleFor(r.ctx);
      if (rule) return rule;
    }
    return null;
  }

  /** A lone COPY FROM STDIN a blast-radius rule applies to, and the tables it writes (checked for triggers before it runs). */
  private copyToCheck(runs: StatementRun[]): { rule: BlastRadiusRule; relations: { schema: string | null; name: string }[] } | null {
    const ruleFor = this.deps.hooks.blastRadiusRule;
    if (!ruleFor || this.deps.session.isReadOnly || runs.length !== 1) return null;
    const [run] = runs;
    const c = run.ctx.classification;
    if (c.command !== "CopyStmt" || run.ctx.parseError || run.isReviewed || run.decision !== "forward") return null;
    const relations = c.relations.filter((r) => r.access === "write");
    if (relations.length === 0) return null;
    const rule = ruleFor(run.ctx);
    // Not known yet (before the decision): checked again once decided.
    if (rule === undefined) return { rule: null as unknown as BlastRadiusRule, relations };
    return rule ? { rule, relations } : null;
  }

  /**
   * Runs `then` once the reads among `runs` are known safe or not: a read waits for the target's
   * catalog if that is all that is missing (the client's later messages wait too), so a plain read
   * is not measured just because the session is new. The decision is the read-safety check's.
   */
  private afterReadSafety(runs: StatementRun[], guarded: Deferred, then: () => void): void {
    const wait = this.deps.hooks.whenReadSafetyKnown;
    // A read, or an INSERT of plain values, waits for the target's catalog rather than being measured because the session is new.
    const pending = wait ? runs.filter((r) => r.ctx.classification.kind === "read" || r.ctx.classification.plainInsertTarget).map((r) => wait(r.ctx)).filter((p) => p !== null) : [];
    if (pending.length === 0) return then();
    Promise.all(pending).then(
      () => {
        if (this.isStopped) return guarded.resolve();
        then();
        this.flushUpstream();
      },
      (err) => {
        this.fail(err);
        guarded.resolve();
      },
    );
  }

  private runGuarded(g: GuardedStatement, done: Deferred): void {
    new GuardedWrite(this.guardHost, g).run().then(
      () => done.resolve(),
      (err) => {
        this.fail(err);
        done.resolve();
      },
    );
  }

  /** The guard is done with these runs: their outcomes are recorded now. */
  private recordGuardedRuns(runs: StatementRun[]): void {
    for (const run of runs) {
      run.isMeasured = false;
      if (!run.isFinished && run.status !== "suspended") run.finish(run.status === "skipped" ? "skipped" : "unknown");
      this.openRuns.delete(run);
      this.deps.recorder.finishStatement(run.finishRow());
      this.deps.hooks.onStatementFinished?.(run.ctx);
    }
  }

  /**
   * A Query of text Warden could not parse, replaced by the syntax probe: the server's own error is
   * the answer (and a Sync ends the block, as the Query would have); or, when the server parses the
   * text, the Query goes on to the fail-closed rule.
   */
  private probeQuery(frame: Buffer, sql: string, c: SqlClassification & { isParsed: false }): Promise<void> {
    // A Query drops the unnamed statement before parsing its text, even text that fails to parse.
    const dropsUnnamed = this.namespace.propose({ space: "statement", kind: "drop", name: "" });
    return this.probeSyntax(frame.subarray(5, frame.length - 1), dropsUnnamed).then((outcome) => {
      if (outcome.kind === "parsed" && !this.isStopped) return this.runQuery(frame, sql, c, undefined, true);
      const run = this.newRun("simple", sql, null, c.statements[0], c.error);
      this.recordProbeOutcome(run, outcome, c.error);
      if (this.isStopped) return;
      if (outcome.kind === "refused" || outcome.kind === "unclear") {
        // The server skips to Sync after the probe's error; the Query's own ReadyForQuery is the Sync's.
        if (outcome.kind === "unclear") this.outbox.send(null, { kind: "synthetic", build: () => [errorResponse({ severity: "ERROR", ...run.blockedWith! })] });
        const endsTransaction = this.namespace.propose({ space: "portal", kind: "drop", name: null });
        this.outbox.send(serialize.sync(), { kind: "sync", endsTransaction });
      }
      // Skipped: the server ignores this Query, as it would have ignored the Query itself.
      this.namespace.endBlock();
    });
  }

  /** Sends the syntax probe of `text`; resolves with the server's verdict. */
  private probeSyntax(text: Buffer, dropsUnnamed: PendingChange | null): Promise<ProbeOutcome> {
    return new Promise((settle) => {
      const { frames, parseIndex } = syntaxProbeMessages(text, { dropsUnnamed: dropsUnnamed !== null });
      frames.forEach((f, i) => this.forward(f, i === parseIndex ? { kind: "probe", settle } : i === 0 && dropsUnnamed ? { kind: "swallow", change: dropsUnnamed } : { kind: "swallow" }));
      this.outbox.send(FLUSH, null);
    });
  }

  /**
   * The record of a statement Warden could not parse, once the server judged its syntax. Refused by
   * the server: the gateway's decision stands (it was never going to run), the outcome is the
   * server's error. Refused for another reason: the fail-closed refusal. Skipped: never run.
   */
  private recordProbeOutcome(run: StatementRun, outcome: ProbeOutcome, parseError: string): void {
    switch (outcome.kind) {
      case "refused":
        run.decide({ action: "block", sqlState: outcome.error.code, message: outcome.error.message }, false, `Warden could not classify this statement (${parseError}); PostgreSQL's parser refused it as well, so it did not run`);
        this.recordRefused(run);
        run.finish("error", { error: outcome.error });
        this.deps.recorder.finishStatement(run.finishRow());
        return;
      case "unclear": {
        const message = `Warden could not classify this statement, so it was not run: ${parseError}`;
        run.decide({ action: "block", sqlState: outcome.error.code, message }, false, `${message} (PostgreSQL answered: ${outcome.error.message})`);
        this.recordRefused(run);
        return;
      }
      case "skipped":
      case "parsed":
      case "abandoned":
        // Never run: the server skipped it after an earlier error, or the session ended first (parsed: before it was judged).
        run.finish("skipped");
        this.recordRefused(run);
        return;
    }
  }

  private classify(sql: string): SqlClassification {
    const c = classifyClientSql(sql);
    if (c.classifierFailure) this.deps.log.warn("the classifier failed on a statement; it counts as unparsed", { error: c.classifierFailure, bytes: sql.length });
    return c;
  }

  /** Parse ('P'): a prepared statement, defined once the server answers ParseComplete. */
  private onParse(frame: Buffer): void {
    const m = decodeParse(frame);
    const problem = this.nameProblem(m.statement, "statement");
    if (problem) return this.refuseMessage(problem, `/* Parse of prepared statement "${m.statement}" */ ${m.sql}`);
    const c = this.classify(m.sql);
    const classification = c.statements[0] ?? emptyStatement(m.sql);
    const statement: PreparedStatement = { name: m.statement, sql: m.sql, classification, parseError: c.isParsed ? null : c.error, paramTypes: m.paramTypes, columns: null };
    if (c.statements.length > 1) statement.parseError = "a prepared statement cannot hold several statements";
    // Parsing into the unnamed statement drops the old one first, even when the new one fails.
    const droppedEvenOnError = m.statement === "" ? [this.namespace.propose({ space: "statement", kind: "drop", name: "" })] : undefined;
    const change = this.namespace.propose({ space: "statement", kind: "define", name: m.statement, value: statement });
    if (this.serverWillSkip) this.skipped.statements.set(m.statement, statement);
    let onAnswered: (() => void) | undefined;
    if (statement.parseError && !this.serverWillSkip) {
      // Text Warden cannot parse: an Execute of it waits for the server's verdict (see onExecute).
      this.unansweredParses.set(statement, new Promise<void>((resolve) => (onAnswered = resolve)));
      const answered = onAnswered!;
      onAnswered = () => {
        this.unansweredParses.delete(statement);
        answered();
      };
    }
    this.forward(frame, { kind: "parse", change, droppedEvenOnError, onAnswered });
  }

  /** Bind ('B'): a portal of a prepared statement the server has; refused when the gateway cannot tie it to classified SQL. */
  private onBind(frame: Buffer): void | Promise<void> {
    const m = decodeBind(frame);
    const skippedStatement = this.serverWillSkip ? this.skipped.statements.get(m.statement) : undefined;
    const found: Lookup<PreparedStatement> = skippedStatement ? { kind: "found", value: skippedStatement } : this.namespace.lookupStatement(m.statement);
    if (found.kind === "uncertain") return this.retryAfter(found.settled, "namespace");
    if (found.kind === "missing") {
      return this.refuseMessage(
        { sqlState: SqlState.InvalidSqlStatementName, message: m.statement ? `prepared statement "${m.statement}" does not exist` : "unnamed prepared statement does not exist" },
        `/* Bind of prepared statement "${m.statement}", which Warden does not know */`,
      );
    }
    const problem = this.nameProblem(m.portal, "portal");
    if (problem) return this.refuseMessage(problem, `/* Bind of portal "${m.portal}" */ ${found.value.sql}`);
    const statement = found.value;
    const portal: Portal = { name: m.portal, statement, params: recordParams(m.values, m.paramFormats, statement.paramTypes), resultFormats: m.resultFormats, columns: null, run: null, bindFrame: frame };
    const change = this.namespace.propose({ space: "portal", kind: "define", name: m.portal, value: portal });
    if (this.serverWillSkip) this.skipped.portals.set(m.portal, portal);
    this.forward(frame, { kind: "bind", change });
  }

  private onDescribe(frame: Buffer): void {
    const m = decodeTarget(frame, "Describe");
    const found: Lookup<PreparedStatement | Portal> = m.target === "S" ? this.namespace.lookupStatement(m.name) : this.namespace.lookupPortal(m.name);
    const value = found.kind === "found" ? found.value : null;
    this.forward(frame, { kind: "describe", statement: m.target === "S" ? (value as PreparedStatement | null) : null, portal: m.target === "P" ? (value as Portal | null) : null });
  }

  private onClose(frame: Buffer): void {
    const m = decodeTarget(frame, "Close");
    const change = this.namespace.propose({ space: m.target === "S" ? "statement" : "portal", kind: "drop", name: m.name });
    this.forward(frame, { kind: "close", change });
  }

  /**
   * FunctionCall ('F'): the fast path names a function by OID. Judged and recorded as the SELECT of
   * the function the target's catalog names (function-call.ts); answered by the server with
   * FunctionCallResponse or an error, then ReadyForQuery. A refused call is failed by the server in
   * place: a call of no function stands in for it, with the server's own transaction semantics.
   * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-FUNCTION-CALL
   */
  private onFunctionCall(frame: Buffer): void | Promise<void> {
    const earlier = this.readOnlyWait();
    if (earlier) return this.retryAfter(earlier, "read-only boundary");
    const call = decodeFunctionCall(frame);
    return then(lookUpFunction(this.deps.hooks, this.deps.session, call.oid, this.deps.log), (called) => {
      if (this.isStopped) return;
      const judged = judgeFunctionCall(call, called);
      const run = this.newRun("extended", judged.sql, judged.params, judged.classification, judged.parseError);
      if (this.serverWillSkip) {
        // An earlier request of the client's pipeline failed: the server ignores the call until Sync. Not sent.
        run.status = "skipped";
        run.isFinished = true;
        return this.recordRefused(run);
      }
      // Judged in its own block, before the next one begins.
      const refusals = this.withReadOnlyRefusals([judged.refusal], [judged.classification]);
      const endsTransaction = this.namespace.propose({ space: "portal", kind: "drop", name: null });
      this.namespace.endBlock();
      const guarded = this.mayGuard([run]) ? deferred() : null;
      const admitted = this.admit([run], refusals, (blockedIndex) => {
        const rule = blockedIndex === null && guarded ? this.guardRule([run]) : null;
        if (!rule) guarded?.resolve();
        if (blockedIndex === null && !rule) return this.forward(frame, { kind: "function", run, result: judged.column, refusal: null, endsTransaction });
        const refuse = (r: StatementRun) => {
          this.forward(functionCallOfNothing(), { kind: "function", run: r, result: null, refusal: r.blockedWith, endsTransaction: null });
          this.flushUpstream();
        };
        if (blockedIndex !== null) return this.forward(functionCallOfNothing(), { kind: "function", run, result: null, refusal: run.blockedWith, endsTransaction });
        // A call is answered like a Query (its result, then ReadyForQuery): guarded the same way.
        const forward = (attempt: number) => this.forward(frame, { kind: "function", run, result: judged.column, refusal: null, endsTransaction: attempt === 0 ? endsTransaction : null });
        this.runGuarded({ protocol: "simple", runs: [run], rule: rule!, ctx: run.ctx, forward, refuse }, guarded!);
      });
      return guarded ? Promise.all([admitted, guarded.promise]).then(() => undefined) : admitted;
    });
  }

  /** Execute ('E'): runs a bound portal; policy sees the SQL and the bound parameters here. */
  private onExecute(frame: Buffer): void | Promise<void> {
    const earlier = this.readOnlyWait();
    if (earlier) return this.retryAfter(earlier, "read-only boundary");
    const { portal: name } = decodeExecute(frame);
    const awaited = this.portalAwaitingParse?.name === name ? this.portalAwaitingParse : null;
    this.portalAwaitingParse = null;
    if (this.serverWillSkip) return this.skipExecute(frame, name, awaited);
    const found = this.namespace.lookupPortal(name);
    if (found.kind === "uncertain") return this.retryAfter(found.settled, "namespace");
    if (found.kind === "missing") {
      return this.refuseMessage({ sqlState: SqlState.InvalidCursorName, message: name ? `portal "${name}" does not exist` : "unnamed portal does not exist" }, `/* Execute of portal "${name}", which Warden does not know */`);
    }
    const portal = found.value;
    if (portal.run?.isContinuable) {
      // More rows of a portal already executed (suspended, or still running when the client pipelines
      // the next Execute) continue the statement already decided and recorded.
      portal.run.resume();
      this.openRuns.add(portal.run);
      return this.forward(frame, { kind: "execute", run: portal.run, portal, change: null, copyIn: null, isContinuation: true });
    }
    const { statement } = portal;
    const parsing = this.unansweredParses.get(statement);
    if (parsing) {
      // Text Warden could not parse, its Parse not answered yet: the server's verdict comes first. A
      // refused Parse makes the server skip this Execute (recorded with the Parse's error), rather
      // than the gateway refusing, or holding for a reviewer, a mere syntax error. The server
      // answers only when it flushes.
      this.outbox.send(FLUSH, null);
      this.portalAwaitingParse = portal;
      return this.retryAfter(parsing, "parse");
    }
    const resolved = resolveStatements([statement.classification], this.namespace, { names: (n) => this.nameProblem(n) });
    if (resolved.kind === "uncertain") return this.retryAfter(resolved.settled, "namespace");
    const [s] = resolved.statements;
    const run = this.newRun("extended", statement.sql, portal.params, s.judged, statement.parseError);
    portal.run = run;
    const change = s.change ? this.namespace.propose(s.change) : null;
    const copyIn = statement.classification.command === "CopyStmt" ? (this.copyIn = new CopyInWindow()) : null;
    const guarded = this.mayGuard([run]) || this.copyToCheck([run]) !== null ? deferred() : null;
    const admitted = this.admit([run], this.withReadOnlyRefusals([s.refusal], [s.judged]), (blockedIndex) => {
      const copy = blockedIndex === null && guarded ? this.copyToCheck([run]) : null;
      if (copy?.rule) {
        const forward = () => this.forward(frame, { kind: "execute", run, portal, change, copyIn });
        const g: GuardedStatement = { protocol: "extended", runs: [run], rule: copy.rule, ctx: run.ctx, forward, refuse: (r) => (this.forwardRefusal(r, { change, copyIn }), this.flushUpstream()) };
        new GuardedWrite(this.guardHost, g).runCopy(copy.relations).then(guarded!.resolve, (err) => (this.fail(err), guarded!.resolve()));
        return;
      }
      if (blockedIndex !== null || !guarded) {
        guarded?.resolve();
        if (blockedIndex !== null) return this.forwardRefusal(run, { change, copyIn });
        return this.forward(frame, { kind: "execute", run, portal, change, copyIn });
      }
      this.afterReadSafety([run], guarded, () => this.guardExecute(frame, run, portal, change, copyIn, guarded));
    });
    return guarded ? Promise.all([admitted, guarded.promise]).then(() => undefined) : admitted;
  }

  private guardExecute(frame: Buffer, run: StatementRun, portal: Portal, change: PendingChange | null, copyIn: CopyInWindow | null, guarded: Deferred): void {
    {
      const rule = this.guardRule([run]);
      if (!rule) {
        guarded.resolve();
        return this.forward(frame, { kind: "execute", run, portal, change, copyIn });
      }
      const forward = (attempt: number) => {
        if (attempt > 0 && portal.bindFrame) {
          // Run and rolled back (or ended with the guard's transaction): the portal is bound again as the client bound it.
          this.outbox.send(serialize.close({ type: "P", name: portal.name }), { kind: "guard", take: (c) => c === BackendCode.CloseComplete || c === BackendCode.ErrorResponse });
          this.outbox.send(portal.bindFrame, { kind: "guard", take: (c) => c === BackendCode.BindComplete || c === BackendCode.ErrorResponse });
        }
        this.forward(frame, { kind: "execute", run, portal, change: attempt === 0 ? change : null, copyIn });
      };
      this.runGuarded({ protocol: "extended", runs: [run], rule, ctx: run.ctx, forward, refuse: (r) => (this.forwardRefusal(r), this.flushUpstream()) }, guarded);
    }
  }

  /**
   * An Execute the server will skip (an earlier request of its pipeline failed): recorded as skipped
   * with the SQL it would have run, never judged, never held.
   */
  private skipExecute(frame: Buffer, name: string, known: Portal | null = null): void {
    const portal = known ?? this.skipped.portals.get(name) ?? (() => {
      const found = this.namespace.lookupPortal(name);
      return found.kind === "found" ? found.value : null;
    })();
    if (!portal) {
      // Refused all the same (never forwarded as is), though the server skips the refusal too.
      const refused = this.newRun("extended", "", null, emptyStatement(""), null);
      refused.decide({ action: "block", sqlState: SqlState.InvalidCursorName, message: `portal "${name}" does not exist` }, false);
      return this.forwardRefusal(refused);
    }
    const run = this.newRun("extended", portal.statement.sql, portal.params, portal.statement.classification, portal.statement.parseError);
    this.openRuns.add(run);
    try {
      this.deps.recorder.beginStatements([{ row: run.beginRow(this.deps.session.id) }])?.catch(() => {});
    } catch {
      // recording unavailable: the server skips this Execute anyway
    }
    this.forward(frame, { kind: "execute", run, portal, change: null, copyIn: null });
  }

  /**
   * A read-only session judges a statement only once the server has answered every earlier block
   * (read-only-boundary.ts): the promise to wait on, or null.
   */
  private readOnlyWait(): Promise<void> | null {
    return this.deps.session.isReadOnly ? this.namespace.earlierBlocksSettled() : null;
  }

  /** On a read-only session, statements after a transaction's end in the same block are refused (read-only-boundary.ts). */
  private withReadOnlyRefusals(refusals: (Refusal | null)[], statements: ClassifiedStatement[]): (Refusal | null)[] {
    if (!this.deps.session.isReadOnly) return refusals;
    const boundary = this.readOnlyBoundary.refusalsFor(this.namespace.block, statements);
    return refusals.map((r, i) => r ?? boundary[i]);
  }

  /** Why a client may not define `name` now: the gateway's reserved name, or the session's cap. */
  private nameProblem(name: string, space: "statement" | "portal" = "statement"): { sqlState: string; message: string } | null {
    if (isReservedName(name)) return { sqlState: SqlState.InvalidSqlStatementName, message: `the name "${name}" is reserved by Warden` };
    if (this.namespace.hasRoomFor(space, name)) return null;
    const limit = space === "statement" ? this.deps.limits.maxPreparedStatements : this.deps.limits.maxPortals;
    return {
      sqlState: SqlState.ProgramLimitExceeded,
      message: `Warden allows at most ${limit} named ${space === "statement" ? "prepared statements" : "portals"} per session; close or deallocate some before preparing "${name}"`,
    };
  }

  /**
   * Refuses an extended-protocol message the gateway cannot tie to classified SQL (or that breaks a
   * limit): recorded as a blocked statement, answered by the server itself with the error at the
   * message's place, so the server skips to Sync as after any error.
   */
  private refuseMessage(error: { sqlState: string; message: string }, sql: string): void {
    const run = this.newRun("extended", sql, null, emptyStatement(sql), null);
    run.decide({ action: "block", sqlState: error.sqlState, message: error.message }, false, error.message);
    this.recordRefused(run);
    this.forwardRefusal(run);
  }

  /** The messages that make the server raise the refusal of `run`; what the refused message would have changed never happens. */
  private forwardRefusal(run: StatementRun, instead: { change?: PendingChange | null; copyIn?: CopyInWindow | null } = {}): void {
    const messages = refusalMessages(run.blockedWith!.sqlState, run.blockedWith!.message);
    this.authored.expect(run.blockedWith!.sqlState, run.blockedWith!.message, run.blockedWith!.quoted);
    this.hasRefusalStatement = true;
    for (const m of messages.slice(0, REFUSAL_SWALLOWED)) this.forward(m, { kind: "swallow" });
    this.forward(messages[REFUSAL_SWALLOWED], { kind: "refusal", change: instead.change ?? null, copyIn: instead.copyIn ?? null });
  }

  private recordRefused(run: StatementRun) {
    try {
      // Best effort: the refusal stands even when it cannot be recorded.
      void this.deps.recorder.beginStatements([{ row: run.beginRow(this.deps.session.id) }])?.catch(() => {});
    } catch {
      // recording unavailable: nothing ran
    }
  }

  private newRun(protocol: "simple" | "extended", sql: string, params: ReturnType<typeof recordParams> | null, classification: ClassifiedStatement, parseError: string | null, sqlDigest?: SqlDigest) {
    return new StatementRun({ session: this.deps.session, statementId: randomUUID(), protocol, sql, sqlDigest, params, classification, parseError, seq: ++this.seq }, this.deps.limits);
  }

  /**
   * Decides on and records the statements, then calls `go` with the index of the first refused one
   * (those after it are not run) or null. `refusals`: statements already known to be refused (an
   * EXECUTE of a name the session does not have). Synchronous when nothing needs waiting for.
   */
  private admit(runs: StatementRun[], refusals: ({ sqlState: string; message: string } | null)[], go: (blockedIndex: number | null) => void): void | Promise<void> {
    const decided = decideStatements(runs, refusals, this.decisionDeps);
    return then(decided, (blockedIndex) => {
      if (this.step.kind === "stopped") return;
      if (blockedIndex !== null) for (const r of runs.slice(blockedIndex + 1)) r.status = "skipped";
      const { session } = this.deps;
      let recorded: Promise<void> | undefined;
      try {
        recorded = this.deps.recorder.beginStatements(runs.map((r) => ({ row: r.beginRow(session.id) })));
      } catch (err) {
        return go(this.refuseUnrecorded(runs, err));
      }
      const toRun = blockedIndex === null ? runs : runs.slice(0, blockedIndex);
      for (const r of toRun) this.openRuns.add(r);
      if (!recorded) return this.forwardRuns(toRun, blockedIndex, go);
      if (toRun.length > 0 && this.areSafeReads(toRun)) {
        // A read starts while its record commits; its answers wait at the gate until the record is durable.
        this.gate.hold(
          recorded.then(
            () => undefined,
            (err) => {
              if (!(err instanceof RecordingUnavailable)) throw err;
              this.deps.log.warn("a read's record failed; its result is withheld", { error: err.message });
              for (const r of toRun) withholdResult(r, err, err.clientMessage("its result was not sent"), err.sqlState);
            },
          ),
        );
        return this.forwardRuns(toRun, blockedIndex, go);
      }
      // A write waits for its record; the client's later messages are judged meanwhile and queue behind it.
      this.outbox.wait(
        recorded,
        () => this.forwardRuns(toRun, blockedIndex, go),
        (err) => {
          for (const r of toRun) this.openRuns.delete(r);
          go(this.refuseUnrecorded(runs, err));
        },
      );
      if (this.outbox.waiting > MAX_WAITING_WRITES) return this.outbox.nextDrain();
    });
  }

  private forwardRuns(toRun: StatementRun[], blockedIndex: number | null, go: (blockedIndex: number | null) => void): void {
    if (this.step.kind === "stopped") return;
    for (const r of toRun) r.markForwarded();
    go(blockedIndex);
  }

  private areSafeReads(runs: StatementRun[]): boolean {
    const check = this.deps.hooks.isSafeRead;
    if (!check) return false;
    for (const r of runs) if (r.ctx.parseError || !check(r.ctx)) return false;
    return true;
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
    // Checked as it arrives, ahead of the gate: nothing the server sends after it reaches the client.
    if (code === BackendCode.ParameterStatus && this.endIfReadingChanged(frame)) return;
    if (code === BackendCode.NotificationResponse && this.deps.senderPid) frame = withSenderPid(frame, this.deps.senderPid);
    this.gate.push({ code, frame });
  };

  /**
   * ParameterStatus: the server reports that the session now reads SQL differently from Warden, or
   * that a read-only session is no longer read-only (reading-guard.ts). The session ends before the ReadyForQuery that follows is relayed; what the
   * client was already answered goes out before the FATAL. Answers the gate still holds (for their
   * record, a mask or a row filter) end with the session: their statements are recorded as unknown.
   */
  private endIfReadingChanged(frame: Buffer): boolean {
    if (this.isStopped) return false;
    const readOnly = this.deps.session.isReadOnly ? readOnlyChange(frame) : null;
    if (readOnly) {
      this.deps.log.warn("the server turned read-only mode off in a read-only session; the session is ended", { setting: readOnly.name, value: readOnly.value });
      this.flushClient();
      this.deps.close(READ_ONLY_TURNED_OFF, readOnlyTurnedOffError(readOnly));
      return true;
    }
    const change = readingChange(frame);
    if (!change) return false;
    this.deps.log.warn("the server changed how the session reads SQL; the session is ended", { setting: change.name, value: change.value, reason: change.reason });
    this.flushClient();
    this.deps.close(READING_CHANGED, readingChangedError(change));
    return true;
  }

  /** One server message, in order: masked when it may echo data, then tracked and passed on. */
  private takeUpstreamFrame(f: UpstreamFrame): void | Promise<UpstreamFrame> {
    if (f.code === BackendCode.ErrorResponse && f.frame[5] !== undefined && isFatal(f.frame)) this.hasForwardedFatal = true;
    const functionRefusal = f.isFiltered ? null : this.tracker.functionRefusalAnswered(f.code, f.frame);
    if (functionRefusal) {
      // A refused FunctionCall: its refusal replaces the stand-in's error here, before masking, like any other refusal of Warden's.
      f = { code: f.code, frame: errorResponse({ severity: "ERROR", sqlState: functionRefusal.sqlState, message: functionRefusal.message }) };
      this.authored.expect(functionRefusal.sqlState, functionRefusal.message, functionRefusal.quoted);
    }
    const filter = this.deps.hooks.filterServerMessage;
    if (filter && !f.isFiltered && ECHOING_MESSAGES.has(f.code)) {
      let filtered: Buffer | null | Promise<Buffer | null>;
      try {
        filtered = filter(this.deps.session, f.frame, this.authored.take(f.frame) ?? undefined, this.tracker.answering);
      } catch (err) {
        filtered = this.withheldMessage(f.frame, err);
      }
      if (filtered instanceof Promise) {
        return filtered.then(
          (frame) => ({ code: f.code, frame: frame ?? EMPTY_FRAME, isFiltered: true }),
          (err: unknown) => ({ code: f.code, frame: this.withheldMessage(f.frame, err) ?? EMPTY_FRAME, isFiltered: true }),
        );
      }
      if (filtered === null) return;
      f = { code: f.code, frame: filtered, isFiltered: true };
    }
    if (f.frame === EMPTY_FRAME) return;
    const wait = this.tracker.handle(f.code, f.frame, this.out);
    if (wait) return wait.then(() => f);
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
    setPaused(this.client.socket, this.clientPauses, reason, on, this.step.kind === "stopped");
  }

  private pauseUpstream(reason: string, on: boolean) {
    setPaused(this.upstream.socket, this.upstreamPauses, reason, on, this.step.kind === "stopped");
  }

  private fail(err: unknown) {
    if (this.step.kind === "stopped") return;
    if (err instanceof ClientError) {
      this.deps.close(err.sqlState === SqlState.ProtocolViolation ? "protocol_violation" : "error", err);
      return;
    }
    this.deps.log.error("unexpected error in the relay", { error: (err as Error)?.stack ?? String(err) });
    this.deps.close("internal_error", ClientError.fatal(SqlState.InternalError, "internal error in the Warden gateway; the connection was closed"));
  }
}

/** Messages a client may send while the server reads COPY data (Sync and Flush are ignored there). */
const COPY_IN_MESSAGES = new Set<number>([FrontendCode.CopyData, FrontendCode.CopyDone, FrontendCode.CopyFail, FrontendCode.Sync, FrontendCode.Flush, FrontendCode.Terminate]);

const EMPTY_FRAME = Buffer.alloc(0);

/** Text libpg-query could not parse (not text too large to parse, which is refused unparsed). */
function isUnparsed(c: SqlClassification): c is SqlClassification & { isParsed: false } {
  return !c.isParsed && c.statements.length === 1 && c.statements[0].flags.includes("unparsed");
}

function emptyStatement(sql: string): ClassifiedStatement {
  return { sql, kind: "unknown", command: EMPTY_QUERY, relations: [], fingerprint: null, flags: [] };
}

function isFatal(frame: Buffer): boolean {
  // Severity field 'S' (or 'V') comes first in PostgreSQL's errors.
  const text = frame.toString("latin1", 5, Math.min(frame.length, 40));
  return text.startsWith("SFATAL") || text.startsWith("SPANIC");
}

function setPaused(socket: Duplex, reasons: Set<string>, reason: string, on: boolean, isStopped: boolean) {
  if (on) reasons.add(reason);
  else reasons.delete(reason);
  if (isStopped) return;
  if (reasons.size > 0) socket.pause();
  else socket.resume();
}

/** BEGIN or START TRANSACTION: opens a transaction block. */
function isBeginStatement(run: StatementRun): boolean {
  return run.ctx.classification.kind === "transaction" && /^\s*(begin|start\s+transaction)\b/i.test(run.ctx.sql);
}

/** COPY … FROM: the statement writes its table from data the client sends. */
function isCopyFrom(run: StatementRun): boolean {
  const c = run.ctx.classification;
  return c.command === "CopyStmt" && c.relations.some((r) => r.access === "write");
}

type Deferred = { promise: Promise<void>; resolve(): void };

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Continues with `f` now when `v` is a plain value, or when the promise settles. */
function then<T, R>(v: T | Promise<T>, f: (value: T) => R | Promise<R>): R | Promise<R> {
  return v instanceof Promise ? v.then(f) : f(v);
}

