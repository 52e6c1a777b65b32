import type pg from "pg";
import { chainWaitingAuditEvents } from "@/lib/audit/chain-waiting-events";
import type { Logger } from "../log";

export type AuditChainerOptions = {
  log: Logger;
  /** After events are written, wait this long before chaining, so one pass takes many. */
  delayMs?: number;
  /** Chain whatever waits (other workers' leftovers, say) this often even when this worker wrote nothing. */
  sweepMs?: number;
  /** Events per pass (one transaction). */
  limit?: number;
  /** After a pass failed (the store away), wait this long before the next. */
  retryDelayMs?: number;
};

/**
 * The background step that extends the audit chain for a worker's events (see
 * lib/audit/chain-waiting-events.ts). Recording pokes it after each batch that wrote events; it runs
 * one pass at a time, a moment later, and again while events remain. When another worker (or a
 * console transaction) holds the chain, it tries again shortly: whoever holds it chains what it sees.
 * Events reach the audit trail a fraction of a second after they are recorded.
 */
export class AuditChainer {
  private isDirty = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private readonly sweep: NodeJS.Timeout;
  private isClosed = false;
  /** The store did not answer the last pass: wait longer before the next. */
  private hasFailed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: AuditChainerOptions,
  ) {
    this.sweep = setInterval(() => this.poke(), opts.sweepMs ?? 5000);
    this.sweep.unref();
    // Events a previous run left behind.
    this.poke();
  }

  /** Events were written: chain them soon. */
  poke(): void {
    this.isDirty = true;
    this.schedule(this.opts.delayMs ?? 50);
  }

  /** Chains what waits now (bounded by timeoutMs), then stops. */
  async close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.isClosed = true;
    clearInterval(this.sweep);
    clearTimeout(this.timer);
    await this.running;
    for (this.isDirty = true; this.isDirty && Date.now() < deadline; ) {
      if ((await this.pass()) === "later") await new Promise((r) => setTimeout(r, 20));
    }
  }

  private schedule(delayMs: number) {
    if (this.isClosed || this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.run().finally(() => {
        this.running = null;
        if (this.isDirty) this.schedule(this.hasFailed ? (this.opts.retryDelayMs ?? 1000) : (this.opts.delayMs ?? 50));
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Passes while each finds a full load; events written meanwhile wait for the next scheduled run. */
  private async run() {
    while (!this.isClosed && (await this.pass()) === "more") {}
  }

  /** One pass: "more" when it took a full load (go on at once), "later" when it could not chain now. */
  private async pass(): Promise<"more" | "done" | "later"> {
    this.isDirty = false;
    const limit = this.opts.limit ?? 1000;
    try {
      const { chained, isBusy } = await chainWaitingAuditEvents(this.pool, { limit });
      this.hasFailed = false;
      if (isBusy || chained === limit) this.isDirty = true;
      return isBusy ? "later" : chained === limit ? "more" : "done";
    } catch (err) {
      // The store is away (recording refuses statements meanwhile): the events wait in the store.
      if (!this.hasFailed) this.opts.log.warn("could not extend the audit chain; will retry", { error: (err as Error).message });
      this.hasFailed = true;
      this.isDirty = true;
      return "later";
    }
  }
}
