import type { NewAuditEvent } from "@/lib/audit/append-event";
import pg from "pg";
import type { Db } from "@/lib/db/create-db";
import type { Logger } from "../log";
import { GroupCommitter, isConnectionError, QueueFull } from "./group-commit";
import type { RecordItem, SessionEndRow, SessionStartRow, StatementBeginRow, StatementFinishRow } from "./records";
import { createRecordWriter } from "./write-record-batch";

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
  maxBatch?: number;
  maxQueue?: number;
  retryDelayMs?: number;
  lingerMs?: number;
};

/**
 * The gateway's recording. `strict`: a statement's record is committed before the statement is
 * forwarded (group commit shares the wait). `async`: records go to a bounded queue; when the store
 * is unreachable or the queue is full, new statements are refused. Either way nothing runs that is
 * not recorded. Outcomes (results, session ends) are always queued, never waited for; they are
 * written in order, so a session's end is committed with or after its statements' outcomes.
 */
export class Recorder {
  private readonly committer: GroupCommitter<RecordItem>;
  private readonly pool: pg.Pool;

  constructor(
    db: Db,
    private readonly opts: RecorderOptions,
  ) {
    this.pool = createRecordingPool(db);
    this.committer = new GroupCommitter<RecordItem>(createRecordWriter(this.pool), {
      // One batch is one statement and one commit: bigger batches cost little more than small ones.
      maxBatch: opts.maxBatch ?? 2000,
      // Async: a few seconds of records at full speed (two records a statement) when the store stalls.
      maxQueue: opts.maxQueue ?? 50_000,
      retryDelayMs: opts.retryDelayMs ?? 1000,
      // Outcomes wait this long for the next statement's batch (strict) or for each other (async).
      lingerMs: opts.lingerMs ?? 5,
      maxAttempts: 5,
      onDrop: (item, err) => opts.log.error("dropped a record the store refused", { type: (item as RecordItem).type, error: err.message }),
      onHealthChange: (isHealthy, err) =>
        isHealthy ? opts.log.info("recording store reachable again") : opts.log.error("recording store unreachable; refusing statements until it returns", { error: err?.message }),
    });
  }

  get mode(): RecordingMode {
    return this.opts.mode;
  }

  get isHealthy(): boolean {
    return this.committer.isHealthy;
  }

  async startSession(row: SessionStartRow, audit: NewAuditEvent): Promise<void> {
    await this.admit([{ type: "session.start", row, audit }]);
  }

  /**
   * Records statements before they run. Strict: returns a promise of the commit. Async: queues them
   * and returns nothing. Either way a RecordingUnavailable (thrown, or the promise's rejection)
   * means the statements must not run.
   */
  beginStatements(rows: { row: StatementBeginRow; audit: NewAuditEvent }[]): Promise<void> | undefined {
    return this.admit(rows.map((r) => ({ type: "statement.begin", ...r })));
  }

  finishStatement(row: StatementFinishRow): void {
    this.committer.enqueueAlways([{ type: "statement.finish", row }]);
  }

  endSession(row: SessionEndRow, audit: NewAuditEvent): void {
    this.committer.enqueueAlways([{ type: "session.end", row, audit }]);
  }

  /** Best effort: a failed sign-in is worth an audit event, but never worth refusing anything. */
  recordEvent(audit: NewAuditEvent): void {
    try {
      this.committer.enqueue([{ type: "audit", audit }]);
    } catch {
      // backlog full: the event is lost, the log has the failure
    }
  }

  async close(timeoutMs = 5000): Promise<void> {
    const isDrained = await this.committer.drain(timeoutMs);
    if (!isDrained) this.opts.log.error("recording backlog not written before shutdown", { records: this.committer.queueLength });
    this.committer.close();
    await this.pool.end().catch(() => {});
  }

  private admit(items: RecordItem[]): Promise<void> | undefined {
    if (this.opts.mode === "strict") {
      return this.committer.submit(items).catch((err) => {
        const reason = isConnectionError(err) ? "store_unreachable" : "record_refused";
        throw new RecordingUnavailable(reason, `the record could not be written: ${(err as Error).message}`);
      });
    }
    if (!this.committer.isHealthy) throw new RecordingUnavailable("store_unreachable", "the recording store is unreachable");
    try {
      this.committer.enqueue(items);
    } catch (err) {
      if (err instanceof QueueFull) throw new RecordingUnavailable("backlog_full", err.message);
      throw err;
    }
  }
}

/**
 * The recorder's own connections to the store (same settings as the worker's pool): batches are
 * written one at a time, so two are plenty, and recording never waits for a connection behind other
 * store work. Sequential scans are off on them: every row the batch statement touches is found by
 * primary key, and its plan is cached per connection (a named statement) when the tables are still
 * small, where a sequential scan would look cheaper and then stay in the plan as the tables grow.
 */
function createRecordingPool(db: Db): pg.Pool {
  const { connectionString, connectionTimeoutMillis, query_timeout, idleTimeoutMillis } = db.$client.options;
  const pool = new pg.Pool({
    connectionString,
    connectionTimeoutMillis,
    query_timeout,
    idleTimeoutMillis,
    max: 2,
    application_name: "warden-recorder",
    options: "-c enable_seqscan=off",
  });
  // As in createDb: a lost connection (store restart) fails its query, never the process.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}
