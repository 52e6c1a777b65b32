import { inArray } from "drizzle-orm";
import { approvalRequests, type ApprovalRequest } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import type { Logger } from "../log";
import { watchApprovalWaits } from "../metrics/gateway-metrics";
import { closeApprovalRequest } from "./close-approval-request";

/** How a held statement's wait ended: its request was closed in the store, or its client gave up first. */
export type WaitOutcome = { kind: "closed"; request: ApprovalRequest } | { kind: "withdrawn"; why: "cancelled" | "disconnected" };

export type Waiting = {
  outcome: Promise<WaitOutcome>;
  /** The client cancelled or left: settle now, and mark the request withdrawn in the background. */
  withdraw(why: "cancelled" | "disconnected"): void;
};

type Wait = {
  id: string;
  requester: string;
  expiresAt: Date;
  timer: NodeJS.Timeout | null;
  isSettled: boolean;
  resolve(outcome: WaitOutcome): void;
};

export type ApprovalWaiterOptions = {
  /** Safety net for a missed notification (the listener reconnecting, not yet listening). */
  pollMs?: number;
  /** Called with each request this worker closed (timed out, withdrawn): for the webhook. */
  onClosed?(request: ApprovalRequest): void;
  /** Lets the worker wait for background writes when it stops. */
  track(p: Promise<unknown>): void;
};

/**
 * Waits, for every statement this worker holds, for its approval request to be decided, on
 * whichever worker or console the reviewer used: a NOTIFY on warden_approval_decided names the
 * request, and the row in the store is the truth, so it is re-read on each notification, after the
 * listener reconnects, and by a slow poll. Each wait also has a timer for the request's expiry,
 * which closes it as timed_out with a conditional UPDATE, so a last-moment decision and the timeout
 * cannot both win.
 */
export class ApprovalWaiter {
  private readonly waits = new Map<string, Wait>();
  private readonly unsubscribe: (() => void)[];
  private readonly poll: NodeJS.Timeout;
  private readonly unwatch = watchApprovalWaits(this);

  constructor(
    private readonly db: Db,
    listener: StoreListener,
    private readonly log: Logger,
    private readonly opts: ApprovalWaiterOptions,
  ) {
    this.unsubscribe = [listener.on(STORE_CHANNELS.approvalDecided, (id) => this.check([id])), listener.onReconnect(() => this.checkAll())];
    this.poll = setInterval(() => this.checkAll(), opts.pollMs ?? 5000);
    this.poll.unref();
  }

  /**
   * Starts waiting on a request. Call it before the request is committed, so a decision that comes
   * at once is not missed; then `watch()` once it is.
   */
  expect(id: string, requester: string, expiresAt: Date): Waiting & { watch(): void; abandon(): void } {
    let resolve!: (o: WaitOutcome) => void;
    const outcome = new Promise<WaitOutcome>((r) => (resolve = r));
    const wait: Wait = { id, requester, expiresAt, timer: null, isSettled: false, resolve };
    this.waits.set(id, wait);
    return {
      outcome,
      watch: () => {
        this.schedule(wait);
        this.check([id]);
      },
      abandon: () => this.settle(wait, null),
      withdraw: (why) => this.withdraw(wait, why),
    };
  }

  get waitingCount(): number {
    return this.waits.size;
  }

  close(): void {
    clearInterval(this.poll);
    this.unwatch();
    for (const u of this.unsubscribe) u();
    for (const w of this.waits.values()) if (w.timer) clearTimeout(w.timer);
  }

  private settle(wait: Wait, outcome: WaitOutcome | null): void {
    if (wait.isSettled) return;
    wait.isSettled = true;
    if (wait.timer) clearTimeout(wait.timer);
    this.waits.delete(wait.id);
    if (outcome) wait.resolve(outcome);
  }

  private withdraw(wait: Wait, why: "cancelled" | "disconnected"): void {
    if (wait.isSettled) return;
    this.settle(wait, { kind: "withdrawn", why });
    const comment = why === "cancelled" ? "The client cancelled the statement." : "The client disconnected.";
    this.opts.track(
      closeApprovalRequest(this.db, wait.id, "withdrawn", { actor: wait.requester, comment }).then(
        (row) => row && this.opts.onClosed?.(row),
        (err) => this.log.error("could not mark an approval request withdrawn", { request: wait.id, error: (err as Error).message }),
      ),
    );
  }

  private schedule(wait: Wait): void {
    if (wait.isSettled) return;
    if (wait.timer) clearTimeout(wait.timer);
    // setTimeout's longest delay is about 24.8 days; policy timeouts are at most a day.
    const delay = Math.min(Math.max(wait.expiresAt.getTime() - Date.now(), 0), 2 ** 31 - 1);
    wait.timer = setTimeout(() => void this.timeOut(wait), delay);
    wait.timer.unref();
  }

  private async timeOut(wait: Wait): Promise<void> {
    if (wait.isSettled) return;
    try {
      const row = await closeApprovalRequest(this.db, wait.id, "timed_out", { actor: "warden", comment: "Nobody decided before the request expired." });
      if (row) {
        this.opts.onClosed?.(row);
        return this.settle(wait, { kind: "closed", request: row });
      }
      // Someone decided (or timed it out) first: their outcome stands.
      await this.check([wait.id]);
    } catch (err) {
      // The store is unreachable: the poll tries again.
      this.log.error("could not time out an approval request", { request: wait.id, error: (err as Error).message });
    }
  }

  private checkAll(): void {
    if (this.waits.size) void this.check([...this.waits.keys()]);
  }

  /** Re-reads requests this worker waits on and acts on what the store says. */
  private async check(ids: string[]): Promise<void> {
    const waiting = ids.filter((id) => this.waits.has(id));
    if (waiting.length === 0) return;
    let rows: ApprovalRequest[];
    try {
      rows = await this.db.select().from(approvalRequests).where(inArray(approvalRequests.id, waiting));
    } catch (err) {
      this.log.warn("could not re-read approval requests", { error: (err as Error).message });
      return;
    }
    for (const row of rows) {
      const wait = this.waits.get(row.id);
      if (!wait) continue;
      if (row.status !== "pending") {
        this.settle(wait, { kind: "closed", request: row });
        continue;
      }
      // The row's expiry is the truth (the store may have been told to end it sooner).
      if (row.expiresAt.getTime() !== wait.expiresAt.getTime()) {
        wait.expiresAt = row.expiresAt;
        this.schedule(wait);
      } else if (row.expiresAt.getTime() <= Date.now()) {
        void this.timeOut(wait);
      }
    }
  }
}
