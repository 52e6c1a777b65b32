import type { AuthoredMessage } from "../hooks/gateway-hooks";
import { BackendCode } from "../protocol/message-codes";
import { raisedError, raisedText } from "./block-statement";

/** Enough for every refusal a pipeline can have in flight; older ones are forgotten (then masked as the server's). */
const MAX_PENDING = 32;

/**
 * The refusals this session had the server raise (block-statement.ts), so that their errors are
 * known as Warden's own words when they come back: the request id of an approval, the reviewer's
 * address, are not customer data and must reach the client as written.
 *
 * An ErrorResponse is Warden's only when its SQLSTATE and whole message are exactly a refusal still
 * awaited; each is recognised once. A client that makes the server raise the same text itself gains
 * nothing: the text is Warden's, and its quoted parts (a reviewer's comment) are masked all the same.
 * Anything else, and anything unsure, is the server's and goes through the detectors.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-ERRORRESPONSE
 */
export class AuthoredMessages {
  private readonly pending: { code: string; message: AuthoredMessage }[] = [];

  /** Notes a refusal sent to the server, as the raise will word it. */
  expect(sqlState: string, message: string, quoted: readonly string[] = []): void {
    const { code, text } = raisedError(sqlState, message);
    this.pending.push({ code, message: { message: text, quoted: quoted.map(raisedText).filter((q) => q.length > 0) } });
    if (this.pending.length > MAX_PENDING) this.pending.shift();
  }

  /** The refusal `frame` answers, taken off the list; null when the frame is not one (the server's own words). */
  take(frame: Buffer): AuthoredMessage | null {
    if (frame[0] !== BackendCode.ErrorResponse || this.pending.length === 0) return null;
    const error = readCodeAndMessage(frame);
    if (!error) return null;
    const i = this.pending.findIndex((p) => p.code === error.code && p.message.message === error.message);
    if (i < 0) return null;
    return this.pending.splice(i, 1)[0]!.message;
  }
}

/** The C and M fields of an ErrorResponse; null when the frame is not whole and well formed. */
function readCodeAndMessage(frame: Buffer): { code: string; message: string } | null {
  if (frame.length < 6 || frame.readInt32BE(1) !== frame.length - 1 || frame[frame.length - 1] !== 0) return null;
  let code: string | null = null;
  let message: string | null = null;
  for (let off = 5; off < frame.length - 1; ) {
    const end = frame.indexOf(0, off + 1);
    if (end < 0) return null;
    if (frame[off] === 0x43) code = frame.toString("utf8", off + 1, end);
    else if (frame[off] === 0x4d) message = frame.toString("utf8", off + 1, end);
    off = end + 1;
  }
  return code !== null && message !== null ? { code, message } : null;
}
