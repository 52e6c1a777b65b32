/**
 * FunctionCall frames as a client writes them, including broken ones, for tests of the fast path.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-FUNCTIONCALL
 */
export type FunctionCallFrame = {
  oid: number;
  /** Argument format codes as sent (none: all text; one: for every argument). */
  formats?: number[];
  args?: (Buffer | null)[];
  resultFormat?: number;
  /** Writes this argument count instead of the real one (malformed messages). */
  argCount?: number;
  /** Writes this format count instead of the real one. */
  formatCount?: number;
  /** Bytes appended after the result format (trailing garbage). */
  trailing?: Buffer;
};

export function functionCallFrame(f: FunctionCallFrame): Buffer {
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };
  const formats = f.formats ?? [];
  const args = f.args ?? [];
  const oid = Buffer.alloc(4);
  oid.writeUInt32BE(f.oid >>> 0);
  const parts: Buffer[] = [oid, u16(f.formatCount ?? formats.length), ...formats.map(u16), u16(f.argCount ?? args.length)];
  for (const a of args) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(a ? a.length : -1);
    parts.push(len);
    if (a) parts.push(a);
  }
  parts.push(u16(f.resultFormat ?? 1));
  if (f.trailing) parts.push(f.trailing);
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head[0] = 0x46;
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** A binary int4 argument, as libpq's lo_* functions send them. */
export function int4(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A binary int8 argument (lo_lseek64, lo_truncate64). */
export function int8(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
}

/** The value of a FunctionCallResponse ('V') frame; null for SQL NULL. */
export function functionResultOf(frame: Buffer): Buffer | null {
  const size = frame.readInt32BE(5);
  return size === -1 ? null : frame.subarray(9, 9 + size);
}
