import type { OutboxEvent } from "../event-envelope";

/**
 * One sink's way out. `deliver` resolves only once the sink has taken the events (a 2xx answer, the
 * bytes fsynced, stdout flushed), so the caller may move the cursor; it rejects with a
 * SinkDeliveryError otherwise. `signal` aborts an attempt when the outbox stops.
 */
export type SinkWriter = {
  deliver(events: OutboxEvent[], signal?: AbortSignal): Promise<SinkReceipt>;
};

export type SinkReceipt = { status?: number };

/** A failed attempt, with the receiver's status when it answered. */
export class SinkDeliveryError extends Error {
  override name = "SinkDeliveryError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
