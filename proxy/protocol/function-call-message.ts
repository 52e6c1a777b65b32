import { protocolViolation } from "./client-error";
import { BackendCode, FrontendCode } from "./message-codes";
import { PayloadReader } from "./payload-reader";

/**
 * FunctionCall ('F') and its answer FunctionCallResponse ('V'): the protocol's fast path, which
 * client libraries' large-object APIs use (libpq's lo_* and so psql's \lo_import, psycopg's lobject,
 * pgjdbc's LargeObjectManager).
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FUNCTIONCALL
 */

export type FunctionCallMessage = {
  oid: number;
  /** Per argument: 0 text, 1 binary; other codes are kept, to be refused as PostgreSQL refuses them. */
  argFormats: number[];
  /** Raw values; null is SQL NULL. */
  args: (Buffer | null)[];
  resultFormat: number;
};

/**
 * Counts are unsigned 16-bit, as PostgreSQL reads them (pq_getmsgint(msg, 2)). A message whose
 * framing is broken (lengths past its end, trailing bytes, a size below -1, argument formats that
 * match neither one nor every argument) is a protocol violation: that one connection closes.
 */
export function decodeFunctionCall(frame: Buffer): FunctionCallMessage {
  const r = new PayloadReader(frame, 5, "FunctionCall");
  const oid = r.int32() >>> 0;
  const formatCount = r.int16() & 0xffff;
  const formats: number[] = [];
  for (let i = 0; i < formatCount; i++) formats.push(r.int16() & 0xffff);
  const argCount = r.int16() & 0xffff;
  if (formatCount > 1 && formatCount !== argCount) {
    throw protocolViolation(`function call message contains ${formatCount} argument formats but ${argCount} arguments`);
  }
  const args: (Buffer | null)[] = [];
  for (let i = 0; i < argCount; i++) {
    const size = r.int32();
    if (size < -1) throw protocolViolation(`invalid argument size ${size} in function call message`);
    args.push(size === -1 ? null : r.bytes(size));
  }
  const resultFormat = r.int16() & 0xffff;
  r.end();
  // No formats: every argument is text; one format: it applies to every argument.
  const argFormats = args.map((_, i) => (formatCount === 0 ? 0 : formatCount === 1 ? formats[0] : formats[i]));
  return { oid, argFormats, args, resultFormat };
}

/** A FunctionCall of OID 0, which names no function: the server answers it with an error (42883) and ReadyForQuery, and runs nothing. */
export function functionCallOfNothing(): Buffer {
  const frame = Buffer.alloc(15);
  frame[0] = FrontendCode.FunctionCall;
  frame.writeInt32BE(14, 1);
  // oid 0, no argument formats, no arguments, text result
  return frame;
}

/** FunctionCallResponse ('V'): the result, null for SQL NULL. */
export function decodeFunctionResult(frame: Buffer): Buffer | null {
  const r = new PayloadReader(frame, 5, "FunctionCallResponse");
  const size = r.int32();
  const value = size === -1 ? null : r.bytes(size);
  r.end();
  return value;
}

export function encodeFunctionResult(value: Buffer | null): Buffer {
  const out = Buffer.allocUnsafe(9 + (value?.length ?? 0));
  out[0] = BackendCode.FunctionCallResponse;
  out.writeInt32BE(8 + (value?.length ?? 0), 1);
  out.writeInt32BE(value ? value.length : -1, 5);
  value?.copy(out, 9);
  return out;
}
