import { and, eq, ne } from "drizzle-orm";
import pg from "pg";
import { eventSinks } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { deliverNextBatch, isSinkDue, type DeliverySettings } from "./deliver-outbox";

/** Advisory lock class for "one deliverer per sink" (the second key is hashtext(sink id)). */
export const OUTBOX_SINK_LOCK = 7341003;

export type OutboxRunnerOptions = DeliverySettings & {
  /** How often to look for new events and due sinks. */
  pollMs?: number;
  log?: (message: string) => void;
};

/**
 * Delivers every enabled sink, each on its own: a slow or hung receiver holds up only its own sink,
 * and the gateway never waits for any of it (it only writes audit events). Across processes (two
 * consoles, `warden outbox run`) a sink has one deliverer at a time: a session-level advisory lock
 * per sink on this runner's own connection, released when delivery pauses or when the process dies
 * (PostgreSQL drops a dead session's locks), so another deliverer takes over where the cursor is.
 */
export class OutboxRunner {
  private readonly pollMs: number;
  private readonly log: (message: string) => void;
  private readonly workers = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private lockClient: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private isStopped = false;

  constructor(
    private readonly db: Db,
    private readonly options: OutboxRunnerOptions,
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.log = options.log ?? ((m) => console.error(`[outbox] ${m}`));
  }

  start(): void {
    if (this.timer || this.isStopped) return;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref?.();
    this.wake();
  }

  /** Looks now (also called by the poll timer); a look already under way is not repeated. */
  wake(): void {
    if (this.isStopped || this.ticking) return;
    this.ticking = this.tick()
      .catch((err) => this.log(`cannot read the sinks: ${(err as Error).message}`))
      .finally(() => {
        this.ticking = null;
      });
  }

  /** Stops looking, aborts attempts in flight (their batches are sent again later), releases the locks. */
  async stop(): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await this.ticking;
    await Promise.allSettled(this.workers.values());
    const client = this.lockClient ?? (await this.connecting?.catch(() => null));
    this.lockClient = null;
    await client?.end().catch(() => {});
  }

  private async tick(): Promise<void> {
    const sinks = await this.db
      .select({ id: eventSinks.id, isEnabled: eventSinks.isEnabled, state: eventSinks.state, nextAttemptAt: eventSinks.nextAttemptAt })
      .from(eventSinks)
      .where(and(eq(eventSinks.isEnabled, true), ne(eventSinks.state, "dead")));
    const now = new Date();
    for (const sink of sinks) {
      if (this.isStopped || this.workers.has(sink.id) || !isSinkDue(sink, now)) continue;
      const worker = this.runSink(sink.id)
        .catch((err) => this.log(`sink ${sink.id}: ${(err as Error).message}`))
        .finally(() => this.workers.delete(sink.id));
      this.workers.set(sink.id, worker);
    }
  }

  /** Delivers one sink until it is caught up, fails, or the runner stops, holding its lock meanwhile. */
  private async runSink(sinkId: string): Promise<void> {
    const client = await this.connectLockClient();
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1, hashtext($2)) as locked", [OUTBOX_SINK_LOCK, sinkId]);
    if (!rows[0]?.locked) return;
    try {
      // Losing the lock's session loses the lock: stop, and let the next tick take it again.
      while (!this.isStopped && this.lockClient === client) {
        const outcome = await deliverNextBatch(this.db, sinkId, this.options, this.abort.signal);
        if (outcome.kind === "failed") this.log(`sink ${sinkId}: attempt ${outcome.failedAttempts} failed (${outcome.state}): ${outcome.error}`);
        if (outcome.kind !== "delivered") break;
      }
    } finally {
      if (this.lockClient === client) {
        await client.query("select pg_advisory_unlock($1, hashtext($2))", [OUTBOX_SINK_LOCK, sinkId]).catch(() => {});
      }
    }
  }

  /** The runner's own session for the locks, reconnected if it was lost (its locks went with it). */
  private async connectLockClient(): Promise<pg.Client> {
    if (this.lockClient) return this.lockClient;
    this.connecting ??= (async () => {
      const client = new pg.Client({ ...this.db.$client.options, application_name: "warden-outbox" });
      const forget = () => {
        if (this.lockClient === client) this.lockClient = null;
      };
      client.on("error", forget);
      client.on("end", forget);
      await client.connect();
      this.lockClient = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}
