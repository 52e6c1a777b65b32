import type { Duplex } from "node:stream";

/**
 * Frames waiting to be written to one socket. Frames that were adjacent in the chunk they arrived
 * in are merged back into one slice, so a stream of forwarded rows costs one write per chunk, not
 * one per row.
 */
export class OutputBuffer {
  private parts: Buffer[] = [];

  push(buf: Buffer): void {
    const last = this.parts[this.parts.length - 1];
    if (last && last.buffer === buf.buffer && last.byteOffset + last.length === buf.byteOffset) {
      this.parts[this.parts.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + buf.length);
    } else {
      this.parts.push(buf);
    }
  }

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  /** Writes everything; returns false when the socket asks us to wait for 'drain'. */
  flushTo(socket: Duplex): boolean {
    if (this.parts.length === 0) return true;
    const parts = this.parts;
    this.parts = [];
    if (socket.destroyed || !socket.writable) return true;
    if (parts.length === 1) return socket.write(parts[0]);
    socket.cork();
    let ok = true;
    for (const p of parts) ok = socket.write(p) && ok;
    socket.uncork();
    return ok;
  }
}
