import type { BackendMessage } from "pg-protocol/dist/messages";
import { Parser } from "pg-protocol/dist/parser";
import { protocolViolation } from "./client-error";
import { PayloadReader } from "./payload-reader";

/**
 * Decoding of server messages. Frames are forwarded as bytes; only the few the gateway needs to look
 * into are decoded, with pg-protocol's parser (one frame at a time) or, for DataRow and
 * BackendKeyData, with small readers of our own that keep raw bytes.
 */
const parser = new Parser();

/** Decodes one whole backend frame with pg-protocol. */
export function decodeBackendFrame<T extends BackendMessage = BackendMessage>(frame: Buffer): T {
  let out: BackendMessage | undefined;
  parser.parse(frame, (m) => (out = m));
  if (!out) throw protocolViolation("incomplete backend message");
  return out as T;
}

/**
 * DataRow ('D'): column values as raw bytes, null for SQL NULL.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-DATAROW
 */
export function decodeDataRow(frame: Buffer): (Buffer | null)[] {
  const r = new PayloadReader(frame, 5, "DataRow");
  const n = r.int16();
  const values: (Buffer | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const len = r.int32();
    values[i] = len === -1 ? null : r.bytes(len);
  }
  return values;
}

/** Builds a DataRow from values (after a row hook rewrote some of them). */
export function encodeDataRow(values: (Buffer | null)[]): Buffer {
  let size = 7;
  for (const v of values) size += 4 + (v ? v.length : 0);
  const buf = Buffer.allocUnsafe(size);
  buf[0] = 0x44;
  buf.writeInt32BE(size - 1, 1);
  buf.writeInt16BE(values.length, 5);
  let off = 7;
  for (const v of values) {
    if (v === null) {
      buf.writeInt32BE(-1, off);
      off += 4;
    } else {
      buf.writeInt32BE(v.length, off);
      v.copy(buf, off + 4);
      off += 4 + v.length;
    }
  }
  return buf;
}

/** BackendKeyData ('K') with a key of any length (protocol 3.2 allows up to 256 bytes). */
export function decodeBackendKeyData(frame: Buffer): { processId: number; secretKey: Buffer } {
  const r = new PayloadReader(frame, 5, "BackendKeyData");
  const processId = r.int32();
  return { processId, secretKey: Buffer.from(r.bytes(r.remaining)) };
}

/** CommandComplete tag -> affected or returned row count ("INSERT 0 5" -> 5, "CREATE TABLE" -> null). */
export function rowCountOfTag(tag: string): number | null {
  const m = /^(?:INSERT \d+|SELECT|UPDATE|DELETE|MERGE|MOVE|FETCH|COPY) (\d+)$/.exec(tag);
  return m ? Number(m[1]) : null;
}
