import { protocolViolation } from "./client-error";

/**
 * Reads the fields of one message body with bounds checks: a malformed message from a client
 * becomes a protocol violation for that connection, never an exception elsewhere.
 */
export class PayloadReader {
  private off: number;
  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly what: string,
  ) {
    this.off = start;
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.off);
    this.off += 2;
    return v;
  }

  /** A count of the protocol's Int16 fields (parameters, formats): PostgreSQL reads them unsigned, 0..65535. */
  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.off);
    this.off += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.off);
    this.off += 4;
    return v;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.off++];
  }

  bytes(n: number): Buffer {
    if (n < 0) throw protocolViolation(`invalid length in ${this.what} message`);
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.off);
    if (end < 0) throw protocolViolation(`unterminated string in ${this.what} message`);
    const v = this.buf.toString("utf8", this.off, end);
    this.off = end + 1;
    return v;
  }

  /** Rejects trailing garbage, as PostgreSQL does ("invalid message format"). */
  end(): void {
    if (this.off !== this.buf.length) throw protocolViolation(`invalid ${this.what} message format`);
  }

  private need(n: number) {
    if (this.off + n > this.buf.length) throw protocolViolation(`invalid ${this.what} message format`);
  }
}
