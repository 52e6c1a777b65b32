import type { DatabaseError } from "pg-protocol/dist/messages";
import { decodeBackendFrame } from "../protocol/backend-decoders";
import { readyForQuery } from "../protocol/backend-messages";
import { BackendCode } from "../protocol/message-codes";

const ACTIVE_SQL_TRANSACTION = "25001";

/**
 * The client's answers to a guarded write, kept back until the guard decides: the client must not
 * see `DELETE 100`, RETURNING rows or notices of a write that is rolled back. Capped: past the cap
 * nothing more is kept and the guard refuses the write (fail closed).
 */
export class ReplySink {
  readonly frames: Buffer[] = [];
  private bytes = 0;
  isOverflowing = false;
  /** The first error among the answers (its SQLSTATE), if any. */
  errorCode: string | null = null;

  constructor(
    private readonly maxBytes: number,
    /** Drop the first "there is already a transaction in progress" warning (25001): the guard's own doing. */
    private isDroppingBeginWarning = false,
  ) {}

  /** The transaction status of the last ReadyForQuery among the answers (a simple Query's end), kept even past the cap. */
  lastStatus: string | null = null;

  push(frame: Buffer): void {
    if (this.isDroppingBeginWarning && frame[0] === BackendCode.NoticeResponse && decodeBackendFrame<DatabaseError>(frame).code === ACTIVE_SQL_TRANSACTION) {
      this.isDroppingBeginWarning = false;
      return;
    }
    if (frame[0] === BackendCode.ReadyForQuery) this.lastStatus = String.fromCharCode(frame[5]);
    if (frame[0] === BackendCode.ErrorResponse && this.errorCode === null) this.errorCode = decodeBackendFrame<DatabaseError>(frame).code ?? "XX000";
    if (this.isOverflowing) return;
    this.bytes += frame.length;
    if (this.bytes > this.maxBytes) {
      this.isOverflowing = true;
      this.frames.length = 0;
      return;
    }
    this.frames.push(frame);
  }

  /** The answers with the Query's ReadyForQuery replaced by one with the status after the guard's own statements. */
  withStatus(status: string): Buffer[] {
    // The Query's ReadyForQuery is its last (a notification may have come after it).
    const at = this.frames.findLastIndex((f) => f[0] === BackendCode.ReadyForQuery);
    const frames = at < 0 ? this.frames : [...this.frames.slice(0, at), ...this.frames.slice(at + 1)];
    return [...frames, readyForQuery(status)];
  }
}
