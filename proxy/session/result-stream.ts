import { rowCapNotice } from "@/lib/shared/row-cap-notice";
import { SqlState } from "../protocol/sql-state";
import { decodeDataRow, encodeDataRow } from "../protocol/backend-decoders";
import { noticeResponse } from "../protocol/backend-messages";
import { BackendCode } from "../protocol/message-codes";
import type { RowFilter } from "../hooks/gateway-hooks";
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
  // Past an agent's row cap a row is counted, not sent, masked or kept (see rowCapReply).
  if (run.hasRowCap && !run.admitCappedRow()) return;
  const filter: RowFilter | undefined = run.rowFilter;
  if (!filter) {
    if (run.isCapturing) run.captureRow(decodeDataRow(frame));
    else run.countRow();
    out(frame);
    return;
  }
  try {
    // Past what the recording keeps, a row costs only its masking.
    if (filter.transformFrame && !run.isCapturing) {
      const masked = filter.transformFrame(frame);
      run.countRow();
      out(masked);
      return;
    }
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
  if (run.hasRowCap && !run.admitCappedCopyData(data, isBinary)) return;
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

/** Command tags whose count is the rows the statement returned (not rows it changed or moved). */
const RETURNED_ROWS_TAG = /^(SELECT|FETCH|COPY) \d+$/;

/**
 * The end of a result the row cap cut (rows were read and not sent): a NoticeResponse naming the
 * cap, then the completion, whose count, when it counts rows returned (SELECT, FETCH, COPY), becomes
 * the rows the client got. A DML tag keeps its count: those rows were changed, whatever came back.
 * At PortalSuspended the total is not known yet; the notice is sent once, at the first end after a
 * cut. Returns the frames to send instead of `frame`, and the tag to record (null: unchanged).
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-COMMANDCOMPLETE
 */
export function rowCapReply(run: StatementRun, frame: Buffer, tag: string | null): { frames: Buffer[]; tag: string | null } {
  const sent = run.cappedRowsSent;
  const total = sent + run.cutRows;
  const frames: Buffer[] = [];
  if (!run.hasToldCut) {
    run.hasToldCut = true;
    frames.push(noticeResponse({ sqlState: "01000", message: rowCapNotice(run.clientRowCap!, tag === null ? null : total) }));
  }
  if (tag === null || !RETURNED_ROWS_TAG.test(tag)) {
    frames.push(frame);
    return { frames, tag };
  }
  const capped = `${tag.slice(0, tag.indexOf(" "))} ${sent}`;
  frames.push(commandComplete(capped));
  return { frames, tag: capped };
}

function commandComplete(tag: string): Buffer {
  const len = Buffer.byteLength(tag);
  const msg = Buffer.allocUnsafe(6 + len);
  msg[0] = BackendCode.CommandComplete;
  msg.writeInt32BE(5 + len, 1);
  msg.write(tag, 5, "utf8");
  msg[5 + len] = 0;
  return msg;
}
