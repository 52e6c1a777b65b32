import type { Duplex } from "node:stream";

/**
 * Frames waiting to be written to one socket. Frames that were adjacent in the chunk they arrived
 * in are merged back into one slice, so a stream of forwarded rows costs one write per chunk, not
 * one per row. The slice being extended is kept as a range and cut once, when it is written or
 * followed by a frame from elsewhere: merging a frame costs no Buffer of its own.
 */
export class OutputBuffer {
  private parts: Buffer[] = [];
  /** The last frame's run of adjacent bytes: its first frame, and where the run ends in its ArrayBuffer. */
  private run: Buffer | null = null;
  private runEnd = 0;

  push(buf: Buffer): void {
    const run = this.run;
    if (run && run.buffer === buf.buffer && this.runEnd === buf.byteOffset) {
      this.runEnd += buf.length;
      return;
    }
    if (run) this.parts.push(this.cutRun(run));
    this.run = buf;
    this.runEnd = buf.byteOffset + buf.length;
  }

  get isEmpty(): boolean {
    return this.run === null;
  }

  /** Writes everything; returns false when the socket asks us to wait for 'drain'. */
  flushTo(socket: Duplex): boolean {
    const run = this.run;
    if (!run) return true;
    const parts = this.parts;
    parts.push(this.cutRun(run));
    this.parts = [];
    this.run = null;
    if (socket.destroyed || !socket.writable) return true;
    if (parts.length === 1) return socket.write(parts[0]);
    socket.cork();
    let ok = true;
    for (const p of parts) ok = socket.write(p) && ok;
    socket.uncork();
    return ok;
  }

  private cutRun(run: Buffer): Buffer {
    const length = this.runEnd - run.byteOffset;
    return length === run.length ? run : Buffer.from(run.buffer, run.byteOffset, length);
  }
}
