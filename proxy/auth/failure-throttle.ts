/**
 * Slows down repeated sign-in failures from one client address: after the first failure each
 * further one (within the window) waits twice as long before its answer, up to a cap. A successful
 * sign-in clears the address. Per worker, in memory; bounded in the number of addresses it keeps.
 */
export type ThrottleOptions = { baseDelayMs: number; maxDelayMs: number; windowMs: number; maxAddresses: number; now?: () => number };

export const DEFAULT_THROTTLE: ThrottleOptions = { baseDelayMs: 250, maxDelayMs: 8000, windowMs: 10 * 60 * 1000, maxAddresses: 10_000 };

export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; last: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: ThrottleOptions = DEFAULT_THROTTLE) {
    this.now = opts.now ?? Date.now;
  }

  /** Counts a failure; returns how long to wait before answering it. */
  recordFailure(address: string): number {
    const now = this.now();
    const prev = this.failures.get(address);
    const count = prev && now - prev.last < this.opts.windowMs ? prev.count + 1 : 1;
    this.failures.delete(address);
    this.failures.set(address, { count, last: now });
    if (this.failures.size > this.opts.maxAddresses) this.failures.delete(this.failures.keys().next().value as string);
    return this.delayFor(count);
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  /** Recent failures counted for an address. */
  failureCount(address: string): number {
    const f = this.failures.get(address);
    return f && this.now() - f.last < this.opts.windowMs ? f.count : 0;
  }

  private delayFor(count: number): number {
    if (count <= 1) return 0;
    return Math.min(this.opts.baseDelayMs * 2 ** (count - 2), this.opts.maxDelayMs);
  }
}
