import { SqlState } from "../protocol/sql-state";
import { decodeDataRow, encodeDataRow } from "../protocol/backend-decoders";
import { BackendCode } from "../protocol/message-codes";
import type { StatementRun } from "./statement-run";

/**
 * A result's rows on their way to the client: through the statement's row filter (masking), into the
 * recording's capture. Fail closed: a row the filter cannot handle withholds the rest of the result,
 * and the statement ends in an error instead of its completion (see ReplyTracker).
 */

type Out = (buf: Buffer) => void;

/**
 * DataRow. Returns a promise when the run's row filter is still being set up: the caller holds this
 * row and everything after it until the promise settles, then hands the row in again.
 */
export function passDataRow(run: StatementRun, frame: Buffer, out: Out): void | Promise<void> {
  if (run.isWithheld) return;
  if (run.pendingRowFilter) return run.pendingRowFilter;
  const filter = run.rowFilter;
  if (!filter) {
    if (run.isCapturing) run.captureRow(decodeDataRow(frame));
    else run.countRow();
    out(frame);
    return;
  }
  try {
    const original = decodeDataRow(frame);
    const values = filter.transformRow(original);
    if (run.isCapturing) run.captureRow(filter.recordRow ? filter.recordRow(original) : values);
    else run.countRow();
    out(values === original ? frame : encodeDataRow(values));
  } catch (err) {
    withholdResult(run, err as Error);
  }
}

/** CopyData of a COPY TO STDOUT: each message is one captured row of one column. */
export function passCopyData(run: StatementRun, frame: Buffer, isBinary: boolean, out: Out): void | Promise<void> {
  if (run.isWithheld) return;
  if (run.pendingRowFilter) return run.pendingRowFilter;
  const data = frame.subarray(5);
  const filter = run.rowFilter;
  if (!filter?.transformCopyData) {
    run.captureCopyData(data, isBinary);
    out(frame);
    return;
  }
  try {
    const rewritten = filter.transformCopyData(data);
    run.captureCopyData(filter.recordCopyData && run.isCapturing ? filter.recordCopyData(data) : rewritten, isBinary);
    if (rewritten === data) out(frame);
    else {
      const msg = Buffer.allocUnsafe(5 + rewritten.length);
      msg[0] = BackendCode.CopyData;
      msg.writeInt32BE(4 + rewritten.length, 1);
      rewritten.copy(msg, 5);
      out(msg);
    }
  } catch (err) {
    withholdResult(run, err as Error);
  }
}

/** The rest of the result is not sent; the statement ends in an error (fail closed). */
export function withholdResult(run: StatementRun, err: Error, message = `result withheld: a row could not be filtered (${err.message})`, sqlState: string = SqlState.InternalError): void {
  if (run.isWithheld) return;
  run.isWithheld = true;
  run.error = { code: sqlState, message };
}
