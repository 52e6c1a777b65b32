import type { Frame } from "../protocol/frame-inbox";

/** A server message on its way to the tracker; `isFiltered`: already through the message mask. */
export type UpstreamFrame = Frame & { isFiltered?: boolean };

/**
 * What to do with one server message: nothing to wait for (void), or a promise of the message to
 * take again once something it needs is ready (a row filter being set up, a message being masked).
 */
export type TakeFrame = (f: UpstreamFrame) => void | Promise<UpstreamFrame | void>;

/**
 * Keeps the server's messages in order while some of them must wait: for a result's row filter,
 * for a message mask, or for the record of a read that started before its record committed (its
 * answers may reach the client only once the record is durable). While anything holds the gate,
 * later messages queue behind it and reading from the server pauses.
 */
export class UpstreamGate {
  private queue: UpstreamFrame[] = [];
  private head = 0;
  private holds = 0;

  constructor(
    private readonly take: TakeFrame,
    private readonly io: { pause(on: boolean): void; flush(): void; fail(err: unknown): void; isStopped(): boolean },
  ) {}

  push(f: UpstreamFrame): void {
    if (this.holds > 0 || this.head < this.queue.length) {
      this.queue.push(f);
      return;
    }
    this.takeOne(f);
  }

  /** Holds every message from now on until `until` settles (a rejection fails the session). */
  hold(until: Promise<unknown>): void {
    this.holds++;
    this.io.pause(true);
    until.then(
      () => this.release(),
      (err) => this.io.fail(err),
    );
  }

  private takeOne(f: UpstreamFrame): void {
    const next = this.take(f);
    if (!(next instanceof Promise)) return;
    this.holds++;
    this.io.pause(true);
    next.then(
      (again) => {
        if (again) {
          // Taken again first, ahead of what queued meanwhile.
          if (this.head > 0) this.queue[--this.head] = again;
          else this.queue.unshift(again);
        }
        this.release();
      },
      (err) => this.io.fail(err),
    );
  }

  private release(): void {
    this.holds--;
    if (this.io.isStopped()) return;
    try {
      while (this.holds === 0 && this.head < this.queue.length) {
        const f = this.queue[this.head];
        this.queue[this.head++] = undefined as unknown as UpstreamFrame;
        this.takeOne(f);
      }
    } catch (err) {
      return this.io.fail(err);
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    if (this.holds === 0) this.io.pause(false);
    this.io.flush();
  }
}
