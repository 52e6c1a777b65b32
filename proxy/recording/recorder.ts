import type { NewAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import type { Logger } from "../log";
import { GroupCommitter, QueueFull } from "./group-commit";
import type { RecordItem, SessionEndRow, SessionStartRow, StatementBeginRow, StatementFinishRow } from "./records";
import { writeRecordBatch } from "./write-record-batch";

export type RecordingMode = "strict" | "async";

/** Recording cannot take the statement now: the gateway refuses it rather than run it unrecorded. */
export class RecordingUnavailable extends Error {
  override name = "RecordingUnavailable";
}

export type RecorderOptions = {
  mode: RecordingMode;
  log: Logger;
  maxBatch?: number;
  maxQueue?: number;
  retryDelayMs?: number;
};

/**
 * The gateway's recording. `strict`: a statement's record is committed before the statement is
 * forwarded (group commit shares the wait). `async`: records go to a bounded queue; when the store
 * is unreachable or the queue is full, new statements are refused. Either way nothing runs that is
 * not recorded. Outcomes (results, session ends) are always queued, never waited for.
 */
export class Recorder {
  private readonly committer: GroupCommitter<RecordItem>;

  constructor(
    db: Db,
    private readonly opts: RecorderOptions,
  ) {
    this.committer = new GroupCommitter<RecordItem>((items) => writeRecordBatch(db, items), {
      maxBatch: opts.maxBatch ?? 500,
      maxQueue: opts.maxQueue ?? 10_000,
      retryDelayMs: opts.retryDelayMs ?? 1000,
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
  }

  private admit(items: RecordItem[]): Promise<void> | undefined {
    if (this.opts.mode === "strict") {
      return this.committer.submit(items).catch((err) => {
        throw new RecordingUnavailable(`the record could not be written: ${(err as Error).message}`);
      });
    }
    if (!this.committer.isHealthy) throw new RecordingUnavailable("the recording store is unreachable");
    try {
      this.committer.enqueue(items);
    } catch (err) {
      if (err instanceof QueueFull) throw new RecordingUnavailable(err.message);
      throw err;
    }
  }
}
