import type { NewAuditEvent } from "@/lib/audit/append-event";
import type { Logger } from "../log";
import { DEFAULT_DIGEST, FailureDigest, type DigestOptions, type SignInFailure } from "./failure-digest";
import { DEFAULT_LEDGER, SignInLedger, type LedgerOptions } from "./sign-in-ledger";

export type SignInDeskOptions = {
  ledger?: Partial<LedgerOptions>;
  digest?: Partial<DigestOptions>;
  /** Writes the digest's events to the audit trail. */
  writeEvents: (events: NewAuditEvent[]) => Promise<void>;
  log: Logger;
  now?: () => number;
};

/** How an admitted attempt ended. */
export type SettledAs = "failed" | "signed_in" | "unchecked";

/**
 * Where sign-in attempts are counted for a host: in the cluster primary for every worker, or in the
 * one worker when there is no primary. Runs the ledger's timers (attempts waiting in line start
 * or are refused), and writes the failure digest's event for each address once its minute has
 * closed, and everything left at close().
 */
export class SignInDesk<H> {
  private readonly ledger: SignInLedger<H>;
  private readonly digest: FailureDigest;
  private readonly answers = new Map<H, (isAdmitted: boolean) => void>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private writing: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(private readonly opts: SignInDeskOptions) {
    this.ledger = new SignInLedger({ ...DEFAULT_LEDGER, ...opts.ledger });
    this.digest = new FailureDigest({ ...DEFAULT_DIGEST, ...opts.digest });
    this.now = opts.now ?? Date.now;
  }

  /** Asks for an attempt from `key` to be checked; `answer` is called once, at once or after waiting in line. */
  request(key: string, holder: H, answer: (isAdmitted: boolean) => void): void {
    if (this.isClosed) return answer(false);
    const admission = this.ledger.request(key, holder, this.now());
    if (admission === "wait") this.answers.set(holder, answer);
    else answer(admission === "start");
    this.schedule();
  }

  settle(key: string, outcome: SettledAs): void {
    this.ledger.settle(key, outcome, this.now());
    this.pump();
  }

  /** A waiting attempt whose client (or worker) is gone. */
  withdraw(key: string, holder: H): void {
    if (!this.answers.delete(holder)) return;
    this.ledger.withdraw(key, holder);
  }

  recordFailure(f: SignInFailure): void {
    if (this.isClosed) return;
    this.digest.add(f);
    this.schedule();
  }

  /** Failures counted for `key` now. */
  failureCount(key: string): number {
    return this.ledger.failureCount(key, this.now());
  }

  /** Refuses whatever still waits and writes the digest's last events. */
  async close(): Promise<void> {
    if (this.isClosed) return this.writing;
    this.isClosed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const answer of this.answers.values()) answer(false);
    this.answers.clear();
    this.write(this.digest.drain(Number.POSITIVE_INFINITY));
    return this.writing;
  }

  private pump() {
    const now = this.now();
    const { start, refuse } = this.ledger.due(now);
    for (const s of start) this.answer(s.holder, true);
    for (const r of refuse) this.answer(r.holder, false);
    this.write(this.digest.drain(now));
    this.schedule();
  }

  private answer(holder: H, isAdmitted: boolean) {
    const answer = this.answers.get(holder);
    this.answers.delete(holder);
    answer?.(isAdmitted);
  }

  private write(events: NewAuditEvent[]) {
    if (events.length === 0) return;
    this.writing = this.writing
      .then(() => this.opts.writeEvents(events))
      .catch((err) => this.opts.log.error("failed sign-ins could not be audited", { events: events.length, error: (err as Error).message }));
  }

  private schedule() {
    if (this.isClosed) return;
    const candidates = [this.ledger.nextDueAt(), this.digest.nextCloseAt()].filter((t): t is number => t !== null);
    if (candidates.length === 0) return;
    const at = Math.min(...candidates);
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.max(0, at - this.now()));
    // The digest's last minute is written at close(); the timer alone need not keep a process up.
    this.timer.unref();
  }
}
