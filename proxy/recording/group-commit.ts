/**
 * Group commit: records are written together, one transaction per batch, while the previous batch is
 * in flight. A statement waiting for its record (strict mode) shares the round trip with everyone
 * else's. One committer writes on one store connection, one batch at a time, in order; the recorder
 * runs several side by side (see recorder.ts).
 *
 * Timing: a waiter (submit) starts a batch at once. Fire-and-forget records (outcomes, session ends,
 * async-mode statements) linger up to `lingerMs` so they ride along with the next waiter's batch or
 * with each other, instead of each costing a commit that the next waiter would queue behind. A full
 * batch's worth never lingers.
 *
 * Failures: waiters get the error (their statement is refused); fire-and-forget records go back to
 * the front of the queue and are retried, in order, until the store answers again. A batch that fails
 * for a reason other than the connection (a bad value) is retried one record at a time, so one bad
 * record cannot hold up the others.
 */

type Entry<T> = { item: T; resolve?: () => void; reject?: (err: Error) => void; attempts: number };

export type GroupCommitOptions = {
  maxBatch: number;
  /** Fire-and-forget records kept while the store is unreachable; beyond it new records are refused. */
  maxQueue: number;
  retryDelayMs: number;
  /** How long fire-and-forget records may wait for company before they are written anyway. */
  lingerMs?: number;
  /** A record failing this often on its own (not for lack of a connection) is dropped and logged. */
  maxAttempts: number;
  onDrop(item: unknown, err: Error): void;
  onHealthChange?(isHealthy: boolean, err?: Error): void;
  /** An item is done with: written, dropped, or refused to its waiter (never called for one kept for a retry). */
  onSettled?(item: unknown): void;
};

export class QueueFull extends Error {
  override name = "QueueFull";
}

export class GroupCommitter<T> {
  private queue: Entry<T>[] = [];
  private inFlight = 0;
  private writeStartedAt: number | undefined;
  private isFlushing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** Entries in the queue that someone waits for: they never linger. */
  private waiting = 0;
  private idleWaiters: (() => void)[] = [];
  private healthy = true;
  private isClosed = false;

  constructor(
    /** Writes the batch in one transaction; an empty batch is a health probe. */
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: GroupCommitOptions,
  ) {}

  get isHealthy(): boolean {
    return this.healthy;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  /** Records queued or being written: how busy this committer is. */
  get backlog(): number {
    return this.queue.length + this.inFlight;
  }

  /** How long the batch being written has been in flight (ms), or undefined when none is. */
  get writingForMs(): number | undefined {
    return this.writeStartedAt === undefined ? undefined : performance.now() - this.writeStartedAt;
  }

  /** Resolves once the items are committed; rejects when they could not be. */
  submit(items: T[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let left = items.length;
      let failed = false;
      if (left === 0) return resolve();
      for (const item of items) {
        this.waiting++;
        this.queue.push({
          item,
          attempts: 0,
          resolve: () => {
            if (--left === 0 && !failed) resolve();
          },
          reject: (err) => {
            if (!failed) {
              failed = true;
              reject(err);
            }
          },
        });
      }
      this.kick();
    });
  }

  /** Queues items without waiting. Throws QueueFull when the backlog is at its limit. */
  enqueue(items: T[]): void {
    if (this.queue.length + items.length > this.opts.maxQueue) throw new QueueFull(`recording backlog is full (${this.queue.length} records)`);
    for (const item of items) this.queue.push({ item, attempts: 0 });
    this.kickLater();
  }

  /** Like enqueue, but never refuses: for records of things that already happened (a statement's result, a session's end). */
  enqueueAlways(items: T[]): void {
    for (const item of items) this.queue.push({ item, attempts: 0 });
    this.kickLater();
  }

  /** Resolves when the queue is empty (or after timeoutMs). */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.queue.length === 0 && !this.isFlushing) return true;
    this.kick();
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.isClosed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.lingerTimer);
  }

  private kick() {
    if (this.isFlushing || this.retryTimer || this.isClosed) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.isFlushing = true;
    // Let the current tick's records join the batch.
    setImmediate(() => void this.flushLoop());
  }

  /** Fire-and-forget records: write them with the next waiter's batch, or after lingerMs. */
  private kickLater() {
    if (this.waiting > 0 || this.queue.length >= this.opts.maxBatch || !this.opts.lingerMs) return this.kick();
    if (this.isFlushing || this.retryTimer || this.isClosed || this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.kick();
    }, this.opts.lingerMs);
  }

  private async flushLoop() {
    for (let isFirst = true; this.queue.length > 0 && !this.isClosed; isFirst = false) {
      // After the first batch, when nobody waits and there is less than a batch: let it gather company (see kickLater).
      if (!isFirst && this.waiting === 0 && this.queue.length < this.opts.maxBatch && this.opts.lingerMs && this.idleWaiters.length === 0) break;
      const batch = this.queue.splice(0, this.opts.maxBatch);
      for (const e of batch) if (e.resolve) this.waiting--;
      this.inFlight = batch.length;
      this.writeStartedAt = performance.now();
      try {
        await this.write(batch.map((e) => e.item));
        this.setHealthy(true);
        for (const e of batch) this.settle(e);
      } catch (err) {
        if (isConnectionError(err) || batch.length === 1) {
          this.setHealthy(false, err as Error);
          this.failBatch(batch, err as Error);
          this.isFlushing = false;
          this.scheduleRetry();
          return;
        }
        await this.writeOneByOne(batch);
      } finally {
        this.inFlight = 0;
        this.writeStartedAt = undefined;
      }
    }
    this.isFlushing = false;
    if (this.queue.length > 0) this.kickLater();
    else {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async writeOneByOne(batch: Entry<T>[]) {
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      try {
        await this.write([e.item]);
        this.settle(e);
      } catch (err) {
        if (isConnectionError(err)) {
          this.setHealthy(false, err as Error);
          this.failBatch(batch.slice(i), err as Error);
          return;
        }
        if (e.reject) e.reject(err as Error);
        else this.opts.onDrop(e.item, err as Error);
        this.opts.onSettled?.(e.item);
      }
    }
  }

  /** Waiters learn of the failure now; the rest is retried in its original order. */
  private failBatch(batch: Entry<T>[], err: Error) {
    const retry: Entry<T>[] = [];
    for (const e of batch) {
      if (e.reject) e.reject(err);
      else if (++e.attempts >= this.opts.maxAttempts && !isConnectionError(err)) this.opts.onDrop(e.item, err);
      else {
        retry.push(e);
        continue;
      }
      this.opts.onSettled?.(e.item);
    }
    this.queue.unshift(...retry);
  }

  private scheduleRetry() {
    if (this.retryTimer || this.isClosed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.queue.length > 0) return this.kick();
      // Nothing to retry: probe the store so health recovers without waiting for a statement.
      this.isFlushing = true;
      this.write([]).then(
        () => {
          this.isFlushing = false;
          this.setHealthy(true);
          if (this.queue.length > 0) this.kick();
        },
        (err) => {
          this.isFlushing = false;
          this.setHealthy(false, err as Error);
          this.scheduleRetry();
        },
      );
    }, this.opts.retryDelayMs);
  }

  private settle(e: Entry<T>) {
    e.resolve?.();
    this.opts.onSettled?.(e.item);
  }

  private setHealthy(isHealthy: boolean, err?: Error) {
    if (this.healthy === isHealthy) return;
    this.healthy = isHealthy;
    this.opts.onHealthChange?.(isHealthy, err);
  }
}

/**
 * True unless the store refused the record itself: SQLSTATE classes 22 (data), 23 (constraint),
 * 42 (syntax or access) and 54 (limits) blame the record; anything else (no connection, the database
 * not accepting connections, a restart) blames the store, and the record is kept for a retry.
 */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  return !(typeof code === "string" && /^(22|23|42|54)[0-9A-Z]{3}$/.test(code));
}
