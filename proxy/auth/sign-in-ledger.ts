/**
 * The sign-in throttle's arithmetic, per client address key (client-address-key.ts), before any
 * password is checked. An address has a budget of `freeAttempts` unproven attempts: attempts being
 * checked now plus failures in the window. Within it, attempts start at once; past it, they wait in
 * line for an attempt in flight to end (a success gives its place back; a failure keeps it, for the
 * window), and once failures alone fill the budget, one attempt at a time starts, each spaced from
 * the last by a delay that doubles with every further failure, up to `maxDelayMs`. An attempt that
 * cannot start within `maxWaitMs`, or finds the line full, is refused without its password being
 * checked. A success never clears the failures: it only ends its own attempt.
 *
 * Pure: time comes in as `now`; the desk (sign-in-desk.ts) runs the timers. Holders are whoever
 * waits (a worker's attempt id in the cluster primary, a promise in one worker).
 */
export type LedgerOptions = {
  /** Unproven attempts (in flight + recent failures) an address may have before attempts wait. */
  freeAttempts: number;
  /** The spacing after the budget is spent by failures: base, doubling per further failure, capped. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest an attempt waits in line before it is refused unchecked. */
  maxWaitMs: number;
  /** Attempts that may wait in line per address while it has no failures past its budget (a pool opening its connections)... */
  maxWaiting: number;
  /** ...and once it has (an address that guesses). */
  maxWaitingWhenFailing: number;
  /** Failures are forgotten this long after the address's last one. */
  windowMs: number;
  /** Addresses remembered at most (the oldest idle one is forgotten first). */
  maxAddresses: number;
};

export const DEFAULT_LEDGER: LedgerOptions = {
  freeAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxWaitMs: 10_000,
  maxWaiting: 200,
  maxWaitingWhenFailing: 4,
  windowMs: 10 * 60 * 1000,
  maxAddresses: 10_000,
};

type Waiter<H> = { holder: H; since: number };
type Entry<H> = { failures: number; lastFailureAt: number; inFlight: number; nextAt: number; waiting: Waiter<H>[] };

export type Admission = "start" | "wait" | "refuse";

export class SignInLedger<H> {
  private readonly entries = new Map<string, Entry<H>>();

  constructor(readonly opts: LedgerOptions = DEFAULT_LEDGER) {}

  /** An attempt from `key`: starts now, waits in line (until `due` releases or refuses it), or is refused. */
  request(key: string, holder: H, now: number): Admission {
    const e = this.entry(key, now);
    if (e.waiting.length === 0 && this.canStart(e, now)) {
      this.start(e, now);
      return "start";
    }
    const isFailing = e.failures >= this.opts.freeAttempts;
    if (e.waiting.length >= (isFailing ? this.opts.maxWaitingWhenFailing : this.opts.maxWaiting)) {
      this.countRefusal(e, now);
      return "refuse";
    }
    e.waiting.push({ holder, since: now });
    return "wait";
  }

  /** An attempt that started has ended: `failed` when its credential was checked and refused. */
  settle(key: string, outcome: "failed" | "signed_in" | "unchecked", now: number): void {
    const e = this.entries.get(key);
    if (!e || e.inFlight === 0) return;
    e.inFlight--;
    if (outcome === "failed") {
      e.failures++;
      e.lastFailureAt = now;
    }
    // An address with nothing against it and nothing going on need not be remembered.
    if (e.failures === 0 && e.inFlight === 0 && e.waiting.length === 0) this.entries.delete(key);
  }

  /** A waiting attempt whose client went away. */
  withdraw(key: string, holder: H): void {
    const e = this.entries.get(key);
    if (e) e.waiting = e.waiting.filter((w) => w.holder !== holder);
  }

  /** Waiting attempts that may start now, and those that waited too long (refused unchecked). */
  due(now: number): { start: { key: string; holder: H }[]; refuse: { key: string; holder: H }[] } {
    const start: { key: string; holder: H }[] = [];
    const refuse: { key: string; holder: H }[] = [];
    for (const [key, e] of this.entries) {
      this.expire(e, now);
      while (e.waiting.length > 0 && now - e.waiting[0].since >= this.opts.maxWaitMs) {
        refuse.push({ key, holder: e.waiting.shift()!.holder });
        this.countRefusal(e, now);
      }
      while (e.waiting.length > 0 && this.canStart(e, now)) {
        start.push({ key, holder: e.waiting.shift()!.holder });
        this.start(e, now);
      }
    }
    return { start, refuse };
  }

  /** When `due` may next have something to do (a spacing ends, a wait runs out); null when nothing waits. */
  nextDueAt(): number | null {
    let at: number | null = null;
    for (const e of this.entries.values()) {
      if (e.waiting.length === 0) continue;
      // A line held up by attempts in flight moves when they end (settle), not at a time.
      const deadline = e.waiting[0].since + this.opts.maxWaitMs;
      const t = this.hasRoom(e) ? Math.min(e.nextAt, deadline) : deadline;
      at = at === null ? t : Math.min(at, t);
    }
    return at;
  }

  /** Failures counted for `key` now (for tests and logs). */
  failureCount(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    this.expire(e, now);
    return e.failures;
  }

  private canStart(e: Entry<H>, now: number): boolean {
    return now >= e.nextAt && this.hasRoom(e);
  }

  private hasRoom(e: Entry<H>): boolean {
    if (e.failures >= this.opts.freeAttempts) return e.inFlight === 0;
    return e.failures + e.inFlight < this.opts.freeAttempts;
  }

  private start(e: Entry<H>, now: number) {
    e.inFlight++;
    const past = e.failures - this.opts.freeAttempts;
    if (past >= 0) e.nextAt = now + Math.min(this.opts.baseDelayMs * 2 ** Math.min(past, 30), this.opts.maxDelayMs);
  }

  /** A refusal counts as a failure, so an address that keeps trying stays slowed down. */
  private countRefusal(e: Entry<H>, now: number) {
    e.failures++;
    e.lastFailureAt = now;
  }

  private expire(e: Entry<H>, now: number) {
    if (e.failures > 0 && now - e.lastFailureAt >= this.opts.windowMs) {
      e.failures = 0;
      e.nextAt = 0;
    }
  }

  private entry(key: string, now: number): Entry<H> {
    let e = this.entries.get(key);
    if (e) {
      this.expire(e, now);
      // Most recently used last: the first idle entry is the oldest.
      this.entries.delete(key);
      this.entries.set(key, e);
      return e;
    }
    e = { failures: 0, lastFailureAt: 0, inFlight: 0, nextAt: 0, waiting: [] };
    this.entries.set(key, e);
    if (this.entries.size > this.opts.maxAddresses) this.forgetOldestIdle();
    return e;
  }

  private forgetOldestIdle() {
    for (const [key, e] of this.entries) {
      if (e.inFlight === 0 && e.waiting.length === 0) {
        this.entries.delete(key);
        return;
      }
    }
  }
}
