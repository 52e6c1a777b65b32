import type { Expectation } from "./reply-tracker";

type Slot = { ready: (() => void) | null; queued: { frame: Buffer | null; expectation: Expectation | null }[] };

/**
 * The client's messages on their way to the server, in order. A write must not reach the server
 * before its record is durable (strict recording), but the client's later messages need not wait
 * to be judged and recorded: they queue behind it. So a pipeline of writes is recorded in a few
 * group commits instead of one commit per statement, and every message still reaches the server in
 * the client's order, each write after its record.
 */
export class UpstreamOutbox {
  private slots: Slot[] = [];
  private isDraining = false;
  private drained: (() => void)[] = [];

  constructor(
    /** Sends a message now (null: an expectation of the gateway's own reply only). */
    private readonly sendNow: (frame: Buffer | null, expectation: Expectation | null) => void,
    private readonly io: { afterDrain(): void; fail(err: unknown): void },
  ) {}

  /** Nothing waits: what is sent now goes out at once. */
  get isEmpty(): boolean {
    return this.slots.length === 0;
  }

  get waiting(): number {
    return this.slots.length;
  }

  send(frame: Buffer | null, expectation: Expectation | null): void {
    const last = this.slots[this.slots.length - 1];
    if (!last || this.isDraining) return this.sendNow(frame, expectation);
    last.queued.push({ frame, expectation });
  }

  /**
   * Holds this point of the stream until `until` settles: then `onReady` (or `onFailed`) sends what
   * belongs here, followed by everything sent meanwhile.
   */
  wait(until: Promise<void>, onReady: () => void, onFailed: (err: unknown) => void): void {
    const slot: Slot = { ready: null, queued: [] };
    this.slots.push(slot);
    until.then(
      () => {
        slot.ready = onReady;
        this.drain();
      },
      (err: unknown) => {
        slot.ready = () => onFailed(err);
        this.drain();
      },
    );
  }

  /** Resolves at the next time waiting messages go out. */
  nextDrain(): Promise<void> {
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** The session ended: nothing more goes out. */
  clear(): void {
    this.slots = [];
    const waiters = this.drained;
    this.drained = [];
    for (const w of waiters) w();
  }

  private drain(): void {
    if (this.isDraining) return;
    this.isDraining = true;
    try {
      while (this.slots.length > 0 && this.slots[0].ready) {
        const slot = this.slots.shift()!;
        slot.ready!();
        for (const q of slot.queued) this.sendNow(q.frame, q.expectation);
      }
    } catch (err) {
      this.io.fail(err);
    } finally {
      this.isDraining = false;
    }
    const waiters = this.drained;
    this.drained = [];
    for (const w of waiters) w();
    this.io.afterDrain();
  }
}
