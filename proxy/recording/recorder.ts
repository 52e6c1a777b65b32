import pg from "pg";
import type { NewAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import type { Logger } from "../log";
import { timeGroupCommits } from "../metrics/gateway-metrics";
import { AuditChainer } from "./audit-chainer";
import { GroupCommitter, isConnectionError } from "./group-commit";
import { sessionOf, type RecordItem, type SessionEndRow, type SessionStartRow, type StatementBeginRow, type StatementFinishRow } from "./records";
import { createRecordWriter, RECORDING_PLANNER_OPTIONS } from "./write-record-batch";

export type RecordingMode = "strict" | "async";

/**
 * Why recording cannot take a statement: the store does not answer; the async backlog is at its limit
 * (the store answers, but slower than statements arrive); or the store refused the record itself.
 */
export type UnavailableReason = "store_unreachable" | "backlog_full" | "record_refused";

/** Recording cannot take the statement now: the gateway refuses it rather than run it unrecorded. */
export class RecordingUnavailable extends Error {
  override name = "RecordingUnavailable";
  constructor(
    readonly reason: UnavailableReason,
    detail: string,
  ) {
    super(detail);
  }

  /**
   * The SQLSTATE for the client: 57P03 cannot_connect_now while the store is away; 53000
   * insufficient_resources when the gateway is overloaded; XX000 for a record the store refused.
   * https://www.postgresql.org/docs/current/errcodes-appendix.html
   */
  get sqlState(): string {
    return this.reason === "store_unreachable" ? "57P03" : this.reason === "backlog_full" ? "53000" : "XX000";
  }

  /** A sentence for the client; `what` is what was refused ("the statement was not run"). */
  clientMessage(what: string): string {
    switch (this.reason) {
      case "store_unreachable":
        return `Warden cannot record statements right now (its store is unreachable), so ${what}. Try again shortly.`;
      case "backlog_full":
        return `Warden's recording backlog is full (the gateway is recording more than its store keeps up with), so ${what}. Try again shortly.`;
      case "record_refused":
        return `Warden's store refused the record it was given, so ${what}.`;
    }
  }
}

export type RecorderOptions = {
  mode: RecordingMode;
  log: Logger;
  /** Group commits that may be in flight at once, each on its own store connection. */
  lanes?: number;
  /** A batch in flight longer than this is slow (a lock, a stalled store): new records take another lane rather than wait behind it. */
  spillAfterMs?: number;
  maxBatch?: number;
  maxQueue?: number;
  retryDelayMs?: number;
  lingerMs?: number;
  /** How often an open session's statement and error counts are written (its end always writes them). */
  countsIntervalMs?: number;
  /** How long after events are written the chainer appends them to the audit trail. */
  chainDelayMs?: number;
};

/** What the recorder knows of a session it records. */
type SessionState = {
  /** The lane its records go to while any are unwritten: one lane writes in order. */
  lane: number;
  /** Its records queued or in flight. */
  pending: number;
  statementCount: number;
  errorCount: number;
  /** The counts changed since they were last queued for writing. */
  isCountDirty: boolean;
  isEnded: boolean;
};

/**
 * The gateway's recording. `strict`: a statement's record is committed before the statement is
 * forwarded (group commit shares the wait). `async`: records go to a bounded queue; when the store
 * is unreachable or the queue is full, new statements are refused. Either way nothing runs that is
 * not recorded. Outcomes (results, session ends) are always queued, never waited for.
 *
 * No lock is taken on the way, so workers do not queue behind each other's commits, and a worker has
 * several lanes (group committers, one store connection each) that can be in flight at once. Records
 * join the batch that is being gathered while the current one commits, the cheapest way to record
 * (measured: on a store that is busy or slow to flush, every extra commit costs more than a record
 * in a bigger batch); only when a batch stays in flight longer than `spillAfterMs` (a lock, a
 * stalled store) do new records start another lane at once, so a slow batch holds up nobody else.
 * A session's records stay in one lane while any of them is unwritten, so they are written in order:
 * a statement after its session, an outcome after its statement, a session's end with or after its
 * statements' outcomes.
 *
 * Per statement the hot path writes the statement's row (and a small unchained audit event naming
 * it); the audit chain is extended for those events in the background (./audit-chainer.ts). Session
 * counters are counted here and written every `countsIntervalMs` and at the session's end, not per
 * statement.
 */
export class Recorder {
  private readonly lanes: GroupCommitter<RecordItem>[];
  private readonly pool: pg.Pool;
  private readonly chainer: AuditChainer;
  private readonly sessions = new Map<string, SessionState>();
  private readonly countsTimer: NodeJS.Timeout;
  private readonly maxQueue: number;
  private healthy = true;

  constructor(
    db: Db,
    private readonly opts: RecorderOptions,
  ) {
    const laneCount = Math.max(1, opts.lanes ?? 3);
    this.maxQueue = opts.maxQueue ?? 50_000;
    // One connection per lane, and one for the chainer.
    this.pool = createRecordingPool(db, laneCount + 1);
    this.chainer = new AuditChainer(this.pool, { log: opts.log, delayMs: opts.chainDelayMs, retryDelayMs: opts.retryDelayMs });
    const writeBatch = timeGroupCommits(createRecordWriter(this.pool));
    const write = async (items: RecordItem[]) => {
      await writeBatch(items);
      if (items.some(hasAuditEvent)) this.chainer.poke();
    };
    this.lanes = Array.from(
      { length: laneCount },
      () =>
        new GroupCommitter<RecordItem>(write, {
          // One batch is one statement and one commit: bigger batches cost little more than small ones.
          maxBatch: opts.maxBatch ?? 2000,
          // The backlog limit is the recorder's, over all lanes (see admit).
          maxQueue: Number.MAX_SAFE_INTEGER,
          retryDelayMs: opts.retryDelayMs ?? 1000,
          // Outcomes wait this long for the next statement's batch (strict) or for each other (async).
          lingerMs: opts.lingerMs ?? 5,
          maxAttempts: 5,
          onDrop: (item, err) => opts.log.error("dropped a record the store refused", { type: (item as RecordItem).type, error: err.message }),
          onHealthChange: (_, err) => this.updateHealth(err),
          onSettled: (item) => this.settle(item as RecordItem),
        }),
    );
    this.countsTimer = setInterval(() => this.queueCounts(), opts.countsIntervalMs ?? 1000);
    this.countsTimer.unref();
  }

  get mode(): RecordingMode {
    return this.opts.mode;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  async startSession(row: SessionStartRow, audit: NewAuditEvent): Promise<void> {
    this.sessions.set(row.id, { lane: 0, pending: 0, statementCount: 0, errorCount: 0, isCountDirty: false, isEnded: false });
    try {
      await this.admit([{ type: "session.start", row, audit }]);
    } catch (err) {
      this.sessions.delete(row.id);
      throw err;
    }
  }

  /**
   * Records statements before they run. Strict: returns a promise of the commit. Async: queues them
   * and returns nothing. Either way a RecordingUnavailable (thrown, or the promise's rejection)
   * means the statements must not run. `audit` is not needed: each statement's audit event is made
   * from its row (see write-record-batch.ts).
   */
  beginStatements(rows: { row: StatementBeginRow; audit?: NewAuditEvent }[]): Promise<void> | undefined {
    const items: RecordItem[] = rows.map(({ row }) => ({ type: "statement.begin", row }));
    const counted = this.count(items, 1);
    try {
      const durable = this.admit(items);
      return durable?.catch((err) => {
        this.count(counted, -1);
        throw err;
      });
    } catch (err) {
      this.count(counted, -1);
      throw err;
    }
  }

  finishStatement(row: StatementFinishRow): void {
    const s = this.sessions.get(row.sessionId);
    if (s && row.status === "error") {
      s.errorCount++;
      s.isCountDirty = true;
    }
    this.queueAlways([{ type: "statement.finish", row }]);
  }

  /** The session's end carries its final counts (when this recorder counted them). */
  endSession(row: SessionEndRow, audit: NewAuditEvent): void {
    const s = this.sessions.get(row.id);
    if (!s) return this.queueAlways([{ type: "session.end", row, audit }]);
    s.isEnded = true;
    s.isCountDirty = false;
    this.queueAlways([{ type: "session.end", row: { ...row, statementCount: s.statementCount, errorCount: s.errorCount }, audit }]);
  }

  /** Best effort: a failed sign-in is worth an audit event, but never worth refusing anything. */
  recordEvent(audit: NewAuditEvent): void {
    if (this.backlog >= this.maxQueue) return; // backlog full: the event is lost, the log has the failure
    this.queueAlways([{ type: "audit", audit }]);
  }

  async close(timeoutMs = 5000): Promise<void> {
    clearInterval(this.countsTimer);
    this.queueCounts();
    const deadline = Date.now() + timeoutMs;
    const drained = await Promise.all(this.lanes.map((l) => l.drain(timeoutMs)));
    if (drained.includes(false)) this.opts.log.error("recording backlog not written before shutdown", { records: this.backlog });
    for (const l of this.lanes) l.close();
    await this.chainer.close(Math.max(0, deadline - Date.now()));
    await this.pool.end().catch(() => {});
  }

  /** Records queued or in flight, over all lanes. */
  get backlog(): number {
    let n = 0;
    for (const l of this.lanes) n += l.backlog;
    return n;
  }

  private admit(items: RecordItem[]): Promise<void> | undefined {
    if (this.opts.mode === "strict") {
      const groups = this.route(items);
      const commits = [...groups].map(([lane, laneItems]) => lane.submit(laneItems));
      return (commits.length === 1 ? commits[0] : Promise.all(commits).then(() => {})).catch((err) => {
        const reason = isConnectionError(err) ? "store_unreachable" : "record_refused";
        throw new RecordingUnavailable(reason, `the record could not be written: ${(err as Error).message}`);
      });
    }
    if (!this.healthy) throw new RecordingUnavailable("store_unreachable", "the recording store is unreachable");
    const backlog = this.backlog;
    if (backlog + items.length > this.maxQueue) throw new RecordingUnavailable("backlog_full", `recording backlog is full (${backlog} records)`);
    this.queueAlways(items);
  }

  /** Queues records of what already happened: never refused. */
  private queueAlways(items: RecordItem[]) {
    for (const [lane, laneItems] of this.route(items)) lane.enqueueAlways(laneItems);
  }

  /** Picks each item's lane (see the class comment) and counts it as pending for its session. */
  private route(items: RecordItem[]): Map<GroupCommitter<RecordItem>, RecordItem[]> {
    const groups = new Map<GroupCommitter<RecordItem>, RecordItem[]>();
    for (const item of items) {
      const id = sessionOf(item);
      const s = id === undefined ? undefined : this.sessions.get(id);
      let lane: number;
      if (s && s.pending > 0) lane = s.lane;
      else {
        lane = this.pickLane();
        if (s) s.lane = lane;
      }
      if (s) s.pending++;
      const committer = this.lanes[lane];
      const group = groups.get(committer);
      if (group) group.push(item);
      else groups.set(committer, [item]);
    }
    return groups;
  }

  /**
   * The first lane that is gathering a batch (queued, or writing for less than spillAfterMs); else
   * the first idle lane; else the one with the smallest backlog. See the class comment.
   */
  private pickLane(): number {
    const spillAfterMs = this.opts.spillAfterMs ?? 10;
    let idle = -1;
    let least = 0;
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i];
      if (lane.backlog === 0) {
        if (idle < 0) idle = i;
        continue;
      }
      const writingForMs = lane.writingForMs;
      if ((writingForMs === undefined || writingForMs < spillAfterMs) && lane.isHealthy) return i;
      if (lane.backlog < this.lanes[least].backlog) least = i;
    }
    return idle >= 0 ? idle : least;
  }

  private settle(item: RecordItem) {
    const id = sessionOf(item);
    if (id === undefined) return;
    const s = this.sessions.get(id);
    if (!s) return;
    s.pending--;
    if (s.isEnded && s.pending <= 0) this.sessions.delete(id);
  }

  /** Counts begun statements (and blocked ones as errors) for their sessions; returns the items counted. */
  private count(items: RecordItem[], sign: 1 | -1): RecordItem[] {
    for (const item of items) {
      if (item.type !== "statement.begin") continue;
      const s = this.sessionState(item.row.sessionId);
      s.statementCount += sign;
      if (item.row.status === "blocked") s.errorCount += sign;
      s.isCountDirty = true;
    }
    return items;
  }

  /** Queues the counts of open sessions that changed since they were last queued. */
  private queueCounts() {
    const items: RecordItem[] = [];
    for (const [id, s] of this.sessions) {
      if (!s.isCountDirty || s.isEnded) continue;
      s.isCountDirty = false;
      items.push({ type: "session.counts", row: { id, statementCount: s.statementCount, errorCount: s.errorCount } });
    }
    if (items.length) this.queueAlways(items);
  }

  /** A session this recorder did not see start is counted from its first statement. */
  private sessionState(id: string): SessionState {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = { lane: 0, pending: 0, statementCount: 0, errorCount: 0, isCountDirty: false, isEnded: false }));
    return s;
  }

  private updateHealth(err?: Error) {
    const isHealthy = this.lanes.every((l) => l.isHealthy);
    if (isHealthy === this.healthy) return;
    this.healthy = isHealthy;
    if (isHealthy) this.opts.log.info("recording store reachable again");
    else this.opts.log.error("recording store unreachable; refusing statements until it returns", { error: err?.message });
  }
}

/** Items that write an audit event (the chainer then has work). */
function hasAuditEvent(item: RecordItem): boolean {
  return item.type !== "statement.finish" && item.type !== "session.counts";
}

/**
 * The recorder's own connections to the store (same settings as the worker's pool), so recording
 * never waits for a connection behind other store work, planned for the batch statement's
 * primary-key lookups (RECORDING_PLANNER_OPTIONS).
 */
function createRecordingPool(db: Db, max: number): pg.Pool {
  const { connectionString, connectionTimeoutMillis, query_timeout, idleTimeoutMillis } = db.$client.options;
  const pool = new pg.Pool({
    connectionString,
    connectionTimeoutMillis,
    query_timeout,
    idleTimeoutMillis,
    max,
    application_name: "warden-recorder",
    options: RECORDING_PLANNER_OPTIONS,
  });
  // As in createDb: a lost connection (store restart) fails its query, never the process.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}
