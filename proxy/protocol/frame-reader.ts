import { ClientError } from "./client-error";
import { codeName } from "./message-codes";
import { SqlState } from "./sql-state";
import { UnansweredStartup } from "./startup-packet";

/** Called once per whole message: `frame` is the message with its header (type byte, length). */
export type FrameHandler = (code: number, frame: Buffer) => void;

/** PostgreSQL's own limit for startup packets (MAX_STARTUP_PACKET_LENGTH), not counting the length word. */
export const MAX_STARTUP_PACKET_BYTES = 10_000;

/**
 * Splits a byte stream into protocol messages. Messages are `type(1) length(4) payload` except the
 * first packet on a connection (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest), which has
 * no type byte: https://www.postgresql.org/docs/current/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS
 *
 * Frames come out as slices of the incoming chunk when they fit in it, so forwarding them costs no
 * copy. A message whose declared length exceeds the limit is refused as soon as its header arrives,
 * before any of its body is buffered.
 */
export class FrameReader {
  /** True while the next packet is an untyped startup packet. */
  isStartup: boolean;
  private pieces: Buffer[] = [];
  private pendingBytes = 0;
  /** Total length of the frame being collected, once its header is known. */
  private needed = -1;
  private isStopped = false;

  constructor(private readonly opts: { maxMessageBytes: number; isStartup?: boolean; side?: "frontend" | "backend" }) {
    this.isStartup = opts.isStartup ?? false;
  }

  /** Bytes received but not yet handed out as a frame. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Stops delivering frames (the connection is closing or changes hands, as after SSLRequest). */
  stop(): void {
    this.isStopped = true;
    this.pieces = [];
    this.pendingBytes = 0;
  }

  push(chunk: Buffer, onFrame: FrameHandler): void {
    if (this.isStopped || chunk.length === 0) return;
    let buf = chunk;
    if (this.pendingBytes > 0) {
      if (this.needed < 0) {
        // The header itself was split; the pending part is at most 4 bytes.
        buf = Buffer.concat([...this.pieces, chunk]);
        this.pieces = [];
        this.pendingBytes = 0;
      } else if (this.pendingBytes + chunk.length < this.needed) {
        this.pieces.push(chunk);
        this.pendingBytes += chunk.length;
        return;
      } else {
        const take = this.needed - this.pendingBytes;
        const frame = Buffer.concat([...this.pieces, chunk.subarray(0, take)], this.needed);
        this.pieces = [];
        this.pendingBytes = 0;
        this.needed = -1;
        this.emit(frame, onFrame);
        buf = chunk.subarray(take);
      }
    }
    let off = 0;
    while (!this.isStopped && off < buf.length) {
      const remaining = buf.length - off;
      const headerBytes = this.isStartup ? 4 : 5;
      if (remaining < headerBytes) {
        this.stash(buf.subarray(off), -1);
        return;
      }
      const total = this.frameLength(buf, off);
      if (remaining < total) {
        this.stash(buf.subarray(off), total);
        return;
      }
      this.emit(buf.subarray(off, off + total), onFrame);
      off += total;
    }
  }

  private emit(frame: Buffer, onFrame: FrameHandler) {
    const code = this.isStartup ? 0 : frame[0];
    onFrame(code, frame);
  }

  private stash(part: Buffer, needed: number) {
    this.pieces.push(part);
    this.pendingBytes += part.length;
    this.needed = needed;
  }

  /** Reads and checks a header; returns the frame's total size in bytes. */
  private frameLength(buf: Buffer, off: number): number {
    if (this.isStartup) {
      const length = buf.readInt32BE(off);
      // PostgreSQL logs this and closes without a word: whatever sent it is not a client that reads answers.
      if (length < 8 || length - 4 > MAX_STARTUP_PACKET_BYTES) throw new UnansweredStartup(`invalid length of startup packet (${length} bytes)`);
      return length;
    }
    const code = buf[off];
    const length = buf.readInt32BE(off + 1);
    if (length < 4) {
      throw ClientError.fatal(SqlState.ProtocolViolation, `invalid message length ${length} in message "${codeName(code)}"`);
    }
    if (length + 1 > this.opts.maxMessageBytes) {
      throw ClientError.fatal(
        SqlState.ProgramLimitExceeded,
        `message "${codeName(code)}" of ${length + 1} bytes exceeds the gateway's limit of ${this.opts.maxMessageBytes} bytes`,
      );
    }
    return length + 1;
  }
}
