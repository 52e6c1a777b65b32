/**
 * COPY FROM STDIN seen from the client's side of the stream.
 *
 * While the server is in copy-in mode it ignores Sync and Flush, and treats any other message than
 * CopyData, CopyDone and CopyFail as an error; it leaves copy-in mode at CopyDone or CopyFail.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-COPY
 *
 * Whether the server enters copy-in mode is known only from its answer (CopyInResponse), which may
 * come after the client has already sent a Sync. So a Sync sent between a COPY statement and the
 * client's CopyDone/CopyFail is conditional: it is answered only if the server did not start that
 * copy. A window counts the copy segments: segment k is the stretch of the stream after the client's
 * k-th CopyDone/CopyFail; the server's k-th CopyInResponse means segment k is read in copy-in mode.
 */
export class CopyInWindow {
  /** CopyDone/CopyFail messages the client sent since the window opened. */
  segment = 0;
  /** CopyInResponse messages the server sent for this window's statement(s). */
  serverStarted = 0;
  /** The statement (or query string) finished: no copy can start any more. */
  isFinished = false;
  private listeners: (() => void)[] = [];

  /** The server reads the client's current position in copy-in mode. */
  get isServerCopying(): boolean {
    return !this.isFinished && this.serverStarted > this.segment;
  }

  /** The server may still enter copy-in mode at the current position (we have no answer yet). */
  get isUndecided(): boolean {
    return !this.isFinished && this.serverStarted <= this.segment;
  }

  onServerCopyIn(): number {
    this.serverStarted++;
    this.notify();
    return this.serverStarted - 1;
  }

  finish(): void {
    this.isFinished = true;
    this.notify();
  }

  /** Resolves at the next change of what the server is known to do. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  private notify() {
    const l = this.listeners;
    this.listeners = [];
    for (const f of l) f();
  }
}
