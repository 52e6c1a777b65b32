import { serialize } from "pg-protocol";
import { describeBlastRadius, isWithinReviewed, judgeBlastRadius, type BlastRadiusRecord, type BlastRadiusReport } from "@/lib/policy/blast-radius";
import type { BlastRadiusRule } from "@/lib/policy/policy-document";
import type { Decision, FinalDecision, GatewayHooks, HoldDecision, ReviewOutcome, StatementContext } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import { errorResponse } from "../protocol/backend-messages";
import { SqlState } from "../protocol/sql-state";
import type { Expectation } from "../session/reply-tracker";
import type { StatementRun } from "../session/statement-run";
import { bracketMessages, BracketCollector, type BracketReply } from "./guard-bracket";
import { copyTriggersSql, GUARD_SAVEPOINT, measureSql, parseMeasurement, parseSnapshot, SNAPSHOT_SQL } from "./measure-sql";
import { ReplySink } from "./reply-sink";

/**
 * The blast-radius guard around one write (a Query's statements, or one Execute): the statement
 * runs inside a savepoint (and a transaction the guard begins when the client has none open); the
 * server's own counters say what it changed; within the policy's limit the savepoint is released
 * (and the transaction committed) and the client gets the answers it was kept from; past the limit
 * everything it did is rolled back and it is held for a reviewer with the counts. Approved, it runs
 * again the same way and commits only if it did no more than the reviewer saw; otherwise it is
 * held again. The client's later messages wait meanwhile (the relay's pump waits for `run`).
 *
 * https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ALL-TABLES-VIEW
 */

/** Answers of one guarded write kept back at most; past it the write is rolled back and refused. */
export const MAX_GUARDED_REPLY_BYTES = 16 * 1024 * 1024;

const READY_FOR_QUERY = 0x5a;
/** The warning BEGIN gives inside a transaction block. */
const ACTIVE_SQL_TRANSACTION = "25001";

/** A procedure or DO block that commits or rolls back itself cannot run inside the guard's transaction. */
const INVALID_TRANSACTION_TERMINATION = "2D000";

/** What the guard needs from the relay. */
export type GuardHost = {
  log: Logger;
  hooks: GatewayHooks;
  isStopped(): boolean;
  /** The status at the last ReadyForQuery: I, T or E. */
  transactionStatus(): string;
  /** An earlier message failed and the server skips up to the client's Sync. */
  willSkip(): boolean;
  /** Sends a message (or registers an expectation only) after everything before it. */
  send(frame: Buffer | null, expectation: Expectation | null): void;
  /** Where the client's answers go meanwhile (null: to the client again). */
  setSink(sink: ReplySink | null): void;
  /** Frames for the client, in place of the statement's answers. */
  emit(frames: Buffer[]): void;
  onHold(hold: HoldDecision): void;
  onHoldEnded(): void;
  /** The runs' outcomes are final: record them. */
  recordRuns(runs: StatementRun[]): void;
  /**
   * Extended protocol: the transaction the guard began (when the client had none) stays open to the
   * client's Sync, where the relay ends it (blast-radius/README in relay.ts: commit-at-Sync), so the
   * pipeline's statements stay one unit as in the implicit transaction they would have shared.
   */
  endBlockAtSync(): void;
  /** Such a transaction is open (a guarded write earlier in the same pipeline). */
  isBlockOpenUntilSync(): boolean;
  /** Something went wrong that leaves the server's state unknown: end the session (fail closed). */
  fail(err: unknown): void;
};

export type GuardedStatement = {
  protocol: "simple" | "extended";
  /** The runs of the Query (or the Execute's one). The first is the one held and refused. */
  runs: StatementRun[];
  rule: BlastRadiusRule;
  /** The statement as the approval request shows it (the whole Query string). */
  ctx: StatementContext;
  /** Sends the client's message(s), as unguarded; `attempt` 0 first, then re-runs after approval. */
  forward(attempt: number): void;
  /** The server raises the refusal in the statement's place (extended: it then skips to Sync). */
  refuse(run: StatementRun): void;
  /** A Query string that starts with BEGIN: the transaction the guard begins stays open as the client's. */
  opensBlock?: boolean;
};

export class GuardedWrite {
  private readonly isSimple: boolean;
  /** The guard commits the transaction it began (simple protocol) rather than leaving it to the client's Sync. */
  private commits = false;

  constructor(
    private readonly host: GuardHost,
    private readonly g: GuardedStatement,
  ) {
    this.isSimple = g.protocol === "simple";
  }

  async run(): Promise<void> {
    const { host, g } = this;
    await this.whenAnswered();
    if (host.isStopped()) return;
    // The server skips it, or fails it, anyway: nothing to measure.
    if (host.willSkip() || host.transactionStatus() === "E") return g.forward(0);
    // Idle: the guard begins a transaction. Simple protocol: committed at the end of the Query. Extended
    // protocol: left open to the client's Sync, which ends the implicit transaction it replaces.
    let began = host.transactionStatus() === "I" && !(!this.isSimple && host.isBlockOpenUntilSync());
    let reviewed: BlastRadiusReport | null = null;
    let review: ReviewOutcome | null = null;
    for (let attempt = 0; ; attempt++) {
      for (const r of g.runs) r.isMeasured = true;
      // Again after a hold only when the guard committed its transaction (else it is still open).
      const begins = began && (attempt === 0 || this.commits);
      const opened = await this.bracket([...(begins ? ["BEGIN"] : []), `SAVEPOINT ${GUARD_SAVEPOINT}`, SNAPSHOT_SQL]);
      if (host.isStopped()) return;
      if (attempt === 0) {
        // The last ReadyForQuery said idle, but the client's pipeline may have begun a block since
        // (pgjdbc sends BEGIN with the statement): the server's warning says the block is the client's.
        if (began && opened.noticeCodes.includes(ACTIVE_SQL_TRANSACTION)) began = false;
        this.commits = began && this.isSimple && !g.opensBlock;
        if (began && !this.isSimple) host.endBlockAtSync();
      }
      if (opened.error) return this.cannotMeasure(began, `its transaction could not be opened (${opened.error.message})`, false);
      const before = parseSnapshot(opened.results[opened.results.length - 1]);

      // The client's BEGIN inside the guard's transaction warns that one is in progress: not the client's to see.
      const sink = new ReplySink(MAX_GUARDED_REPLY_BYTES, began && g.opensBlock === true);
      host.setSink(sink);
      await this.clientStatement(attempt);
      host.setSink(null);
      if (host.isStopped()) return;

      const failed = this.isSimple ? sink.lastStatus === "E" : host.willSkip();
      // Simple protocol and fast path only: after an Execute's error the server skips to the client's Sync, so nothing more can be run in its place.
      if (failed && sink.errorCode === INVALID_TRANSACTION_TERMINATION && !reviewed && this.isSimple) return this.holdUnmeasurable(began);
      if (failed) return this.passFailure(began, sink, review);
      // By construction nothing in a guarded statement can end the guard's transaction (transaction control is refused in guarded strings); if it did, fail closed.
      if (this.isSimple && sink.lastStatus !== "T") return host.fail(new Error(`a guarded statement left the transaction in state ${sink.lastStatus}`));
      if (sink.isOverflowing) return this.cannotMeasure(began, `its answers passed ${MAX_GUARDED_REPLY_BYTES} bytes while Warden measured it; nothing it did was kept`, true);

      const measured = await this.bracket([measureSql(before)]);
      if (host.isStopped()) return;
      if (measured.error) return this.cannotMeasure(began, `the rows it changed could not be counted (${measured.error.message}); nothing it did was kept`, true);
      const report = parseMeasurement(measured.results[0]);
      const reasons = reviewed
        ? isWithinReviewed(report, reviewed)
          ? []
          : [`it changed more than the reviewer approved (now ${describeBlastRadius(report)}; approved ${describeBlastRadius(reviewed)})`]
        : judgeBlastRadius(report, g.rule);

      if (reasons.length === 0) return this.release(began, sink, report, review);

      // Past the limit: nothing it did is kept; the client sees none of its answers.
      const undone = await this.bracket(this.undoStatements(began), { sync: this.isSimple });
      if (host.isStopped()) return;
      if (undone.error) return host.fail(new Error(`the blast-radius guard could not roll back: ${undone.error.message}`));
      for (const r of g.runs) r.restart();
      const record: BlastRadiusRecord = { ...report, limit: this.limit(), reasons };
      const final = await this.hold(record, reasons);
      if (host.isStopped()) return;
      if (final.action === "block") return this.refuseAll(final, true);
      reviewed = report;
      review = final.review ?? null;
      for (const r of g.runs) r.decide(final, true, `${g.rule.name}: ${reasons.join("; ")}`);
    }
  }

  /**
   * COPY FROM STDIN: not bracketed (the server would wait for the client's data while the guard
   * waits for the server), and it only inserts. A trigger or rule on its table could write more, so
   * such a COPY is held for a reviewer before it runs, unmeasured; any other COPY runs as is.
   */
  async runCopy(relations: { schema: string | null; name: string }[]): Promise<void> {
    const { host, g } = this;
    await this.whenAnswered();
    if (host.isStopped()) return;
    if (host.willSkip() || host.transactionStatus() === "E") return g.forward(0);
    const checked = await this.bracket([copyTriggersSql(relations)], { sync: this.isSimple });
    if (host.isStopped()) return;
    if (checked.error) {
      // Simple protocol: the Sync ended the skipping; extended: the server skips to the client's Sync.
      const message = `Warden's blast-radius guard could not check the COPY's table for triggers, so it was not run: ${checked.error.message}.`;
      g.runs[0].decide({ action: "block", sqlState: SqlState.InternalError, message }, false, message);
      const error = errorResponse({ severity: "ERROR", sqlState: SqlState.InternalError, message });
      host.emit(this.isSimple ? [error, ...new ReplySink(0).withStatus(checked.status ?? host.transactionStatus())] : [error]);
      return host.recordRuns(g.runs);
    }
    if (Number(checked.results[0]?.[0]?.[0] ?? 1) === 0) return g.forward(0);
    return this.holdBeforeRun("a COPY into a table with triggers or rules: Warden cannot measure what they change while the client sends its data, so a reviewer decides before it runs", 0);
  }

  /**
   * A Query string that also commits, rolls back, sets a savepoint or copies from the client
   * (`BEGIN; UPDATE …; COMMIT`): one savepoint cannot bracket it, so Warden cannot measure it. Rather
   * than refuse what the client sent, it is held for a reviewer before it runs, unmeasured, and runs
   * as sent once approved.
   */
  holdUnbracketable(): Promise<void> {
    return this.holdBeforeRun(
      "the query string also commits, rolls back, sets a savepoint or copies from the client, so Warden cannot measure it inside one savepoint; a reviewer decides before it runs (send such statements on their own to have them measured)",
      0,
    );
  }

  /**
   * Holds what the guard cannot measure for a reviewer before it runs (`why`, as the request and
   * the record say it); approved, it is sent as the client sent it (`attempt`), unmeasured.
   */
  private async holdBeforeRun(why: string, attempt: number): Promise<void> {
    const { host, g } = this;
    const record: BlastRadiusRecord = { tables: [], exclusiveLocks: [], limit: this.limit(), reasons: [why] };
    const final = await this.hold(record, [why]);
    if (host.isStopped()) return;
    if (final.action === "block") return this.refuseAll(final, true);
    for (const r of g.runs) {
      r.decide(final, true, `${g.rule.name}: ${why}`);
      r.isMeasured = false;
    }
    g.forward(attempt);
  }

  /** The rule's limits, as a held request shows them. */
  private limit(): BlastRadiusRecord["limit"] {
    const { rule } = this.g;
    return { ruleId: rule.id, ruleName: rule.name, maxRowShare: rule.maxRowShare, minRows: rule.minRows, maxRows: rule.maxRows };
  }

  /** Resolves once everything the client sent before is answered (a Flush makes the server answer a pipeline now). */
  private whenAnswered(): Promise<void> {
    return new Promise((reached) => {
      this.host.send(serialize.flush(), null);
      this.host.send(null, { kind: "marker", reached });
    });
  }

  /** Sends the client's message and resolves once it is answered (an Execute: its completion or error). */
  private clientStatement(attempt: number): Promise<void> {
    return new Promise((reached) => {
      this.g.forward(attempt);
      if (!this.isSimple) this.host.send(serialize.flush(), null);
      this.host.send(null, { kind: "marker", reached });
    });
  }

  /** The guard's own statements; `sync`: followed by a Sync (simple protocol only), whose status is returned. */
  private bracket(sqls: string[], opts: { sync?: boolean } = {}): Promise<BracketReply & { status: string | null }> {
    return new Promise((resolve) => {
      let reply: BracketReply | null = sqls.length === 0 ? { results: [], error: null, noticeCodes: [] } : null;
      if (sqls.length > 0) this.sendBracket(sqls, (r) => {
        reply = r;
        if (!opts.sync) resolve({ ...r, status: null });
      });
      if (opts.sync) {
        this.host.send(serialize.sync(), {
          kind: "guard",
          take: (code, frame) => {
            if (code !== READY_FOR_QUERY) return false;
            resolve({ ...(reply ?? { results: [], error: null, noticeCodes: [] }), status: String.fromCharCode(frame[5]) });
            return true;
          },
        });
      }
    });
  }

  private sendBracket(sqls: string[], done: (r: BracketReply) => void): void {
    {
      const collector = new BracketCollector(sqls.length, done);
      const frames = bracketMessages(sqls);
      frames.forEach((f, i) => this.host.send(f, i === 0 ? { kind: "guard", take: (code, frame) => collector.take(code, frame) } : null));
    }
  }

  private undoStatements(began: boolean): string[] {
    return [`ROLLBACK TO SAVEPOINT ${GUARD_SAVEPOINT}`, `RELEASE SAVEPOINT ${GUARD_SAVEPOINT}`, ...(began && this.commits ? ["COMMIT"] : [])];
  }

  /** Within the limit: kept, and the client gets its answers. */
  private async release(began: boolean, sink: ReplySink, report: BlastRadiusReport, review: ReviewOutcome | null): Promise<void> {
    const { host, g } = this;
    // Notifications the COMMIT releases come after the statement's answers, as without the guard.
    host.setSink(sink);
    const end = await this.bracket([`RELEASE SAVEPOINT ${GUARD_SAVEPOINT}`, ...(began && this.commits ? ["COMMIT"] : [])], { sync: this.isSimple });
    host.setSink(null);
    if (host.isStopped()) return;
    const note = `blast radius within the limit: ${describeBlastRadius(report)}`;
    for (const r of g.runs) r.decisionReason = r.decisionReason ? `${r.decisionReason}; ${note}` : note;
    if (end.error) {
      // A deferred constraint can fail the COMMIT: the client hears it as PostgreSQL would tell it at the end of its statement.
      for (const r of g.runs) if (!r.error) r.error = { code: end.error.code, message: end.error.message };
      const frames = this.isSimple ? sink.withStatus(end.status ?? "I").slice(0, -1) : sink.frames;
      host.emit(this.isSimple ? [...frames, end.error.frame, ...sink.withStatus(end.status ?? "I").slice(-1)] : [...frames, end.error.frame]);
    } else {
      host.emit(this.isSimple ? sink.withStatus(end.status ?? host.transactionStatus()) : sink.frames);
    }
    if (review) for (const r of g.runs) r.review = review;
    host.recordRuns(g.runs);
  }

  /** The client's statement failed: the client hears its error; the guard's transaction ends with it. */
  private async passFailure(began: boolean, sink: ReplySink, review: ReviewOutcome | null): Promise<void> {
    const { host, g } = this;
    if (this.isSimple) {
      if (began) {
        const end = await this.bracket([g.opensBlock ? `ROLLBACK TO SAVEPOINT ${GUARD_SAVEPOINT}` : "ROLLBACK"], { sync: true });
        if (host.isStopped()) return;
        host.emit(sink.withStatus(end.status ?? "I"));
      } else {
        host.emit(sink.frames);
      }
    } else {
      // The server skips to the client's Sync; the aborted transaction the guard began ends there.
      host.emit(sink.frames);
    }
    if (review) for (const r of g.runs) r.review = review;
    host.recordRuns(g.runs);
  }

  /**
   * The guard could not measure the statement: whatever it did is rolled back and it is refused.
   * `ran`: the client's statement ran (its answers are dropped).
   */
  private async cannotMeasure(began: boolean, why: string, ran: boolean): Promise<void> {
    const { host, g } = this;
    const message = `Warden's blast-radius guard could not measure this write, so it was not run: ${why}.`;
    host.log.warn("the blast-radius guard could not measure a write; refused", { why });
    for (const r of g.runs) r.restart();
    const first = g.runs[0];
    first.decide({ action: "block", sqlState: SqlState.InternalError, message }, false, message);
    for (const r of g.runs.slice(1)) r.finish("skipped");
    if (host.willSkip()) {
      // A guard statement failed: the server skips everything up to a Sync.
      if (this.isSimple) {
        const synced = await this.bracket([], { sync: true });
        let status = synced.status ?? "I";
        if (status === "E") {
          const end = await this.bracket(ran ? this.undoStatements(began) : began ? ["ROLLBACK"] : [], { sync: true });
          if (end.error) return host.fail(new Error(`the blast-radius guard could not roll back: ${end.error.message}`));
          status = end.status ?? "I";
        }
        host.emit([errorResponse({ severity: "ERROR", sqlState: SqlState.InternalError, message }), ...new ReplySink(0).withStatus(status)]);
      } else {
        host.emit([errorResponse({ severity: "ERROR", sqlState: SqlState.InternalError, message })]);
      }
      return host.recordRuns(g.runs);
    }
    const undone = await this.bracket(this.undoStatements(began), { sync: this.isSimple });
    if (host.isStopped()) return;
    if (undone.error) return host.fail(new Error(`the blast-radius guard could not roll back: ${undone.error.message}`));
    g.refuse(first);
    host.recordRuns(g.runs);
  }

  /**
   * A procedure or DO block that ends transactions itself (2D000 inside the guard's transaction)
   * cannot be measured: it is held for a reviewer before it runs, and runs unguarded once approved.
   */
  private async holdUnmeasurable(began: boolean): Promise<void> {
    const { host, g } = this;
    const end = await this.bracket(began ? ["ROLLBACK"] : [`ROLLBACK TO SAVEPOINT ${GUARD_SAVEPOINT}`, `RELEASE SAVEPOINT ${GUARD_SAVEPOINT}`], { sync: true });
    if (host.isStopped()) return;
    if (end.error) return host.fail(new Error(`the blast-radius guard could not roll back: ${end.error.message}`));
    for (const r of g.runs) r.restart();
    return this.holdBeforeRun("it commits or rolls back by itself, so Warden cannot measure the rows it changes; a reviewer decides before it runs", 1);
  }

  /** Holds for a reviewer; the outcome, or a refusal when the hold cannot be made (fail closed). */
  private async hold(record: BlastRadiusRecord, reasons: string[]): Promise<FinalDecision> {
    const { host, g } = this;
    const holdWith = host.hooks.holdBlastRadius;
    let d: Decision;
    try {
      if (!holdWith) throw new Error("no approval hook");
      d = await holdWith(g.ctx, record, g.rule);
    } catch (err) {
      host.log.error("a write past its blast radius could not be held; refused", { error: (err as Error)?.message });
      return { action: "block", sqlState: SqlState.InternalError, message: `Warden held this write for review (${reasons.join("; ")}) but could not store the request, so it was not run.` };
    }
    if (d.action !== "hold") return d.action === "block" ? d : { action: "block", sqlState: SqlState.InternalError, message: "Warden could not hold this write for review, so it was not run." };
    if (host.isStopped()) d.withdraw?.("disconnected");
    else host.onHold(d);
    let final: FinalDecision;
    try {
      final = await d.outcome;
    } catch (err) {
      final = { action: "block", sqlState: SqlState.InternalError, message: `Warden could not learn the review's outcome (${(err as Error)?.message}), so the write was not run.` };
    }
    host.onHoldEnded();
    return final;
  }

  /** Rejected (or not held): the first run is refused in the statement's place, the others are skipped. */
  private refuseAll(final: FinalDecision & { action: "block" }, wasHeld: boolean): void {
    const { host, g } = this;
    const [first, ...rest] = g.runs;
    first.decide(final, wasHeld);
    for (const r of rest) {
      r.decide(final, wasHeld);
      r.status = "skipped";
    }
    for (const r of g.runs) r.isMeasured = false;
    g.refuse(first);
    host.recordRuns(g.runs);
  }
}
