import { randomUUID } from "node:crypto";
import { OUTBOX_SCHEMA, type OutboxBatch, type OutboxEvent } from "../event-envelope";
import { signWebhookBody } from "../webhook-signature";
import { SinkDeliveryError, type SinkWriter } from "./sink-writer";

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The headers a receiver gets (README "Events out (SIEM)"). */
export const WEBHOOK_HEADERS = {
  timestamp: "Warden-Timestamp",
  signature: "Warden-Signature",
  deliveryId: "Warden-Delivery-Id",
  schema: "Warden-Schema",
  firstSeq: "Warden-First-Seq",
  lastSeq: "Warden-Last-Seq",
} as const;

export type WebhookSinkOptions = { url: string; secret: string; timeoutMs?: number };

/**
 * POSTs each batch as `{schema, events}` JSON, signed. Only a 2xx answer within the timeout counts
 * as delivered; redirects are not followed (a 3xx is a failure), so events never go where the
 * admin did not point them.
 */
export function createWebhookSink(opts: WebhookSinkOptions): SinkWriter {
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return {
    async deliver(events: OutboxEvent[], signal?: AbortSignal) {
      const batch: OutboxBatch = { schema: OUTBOX_SCHEMA, events };
      const body = JSON.stringify(batch);
      const timestamp = Math.floor(Date.now() / 1000);
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(opts.url, {
          method: "POST",
          redirect: "manual",
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          headers: {
            "content-type": "application/json",
            "user-agent": "Warden-Outbox/1",
            [WEBHOOK_HEADERS.timestamp]: String(timestamp),
            [WEBHOOK_HEADERS.signature]: signWebhookBody(opts.secret, timestamp, body),
            [WEBHOOK_HEADERS.deliveryId]: randomUUID(),
            [WEBHOOK_HEADERS.schema]: OUTBOX_SCHEMA,
            [WEBHOOK_HEADERS.firstSeq]: String(events[0]?.seq ?? ""),
            [WEBHOOK_HEADERS.lastSeq]: String(events.at(-1)?.seq ?? ""),
          },
          body,
        });
      } catch (err) {
        if (timeout.aborted) throw new SinkDeliveryError(`The receiver did not answer within ${timeoutMs / 1000} s.`);
        if (signal?.aborted) throw new SinkDeliveryError("Delivery stopped: the outbox is shutting down.");
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new SinkDeliveryError(`Cannot reach the receiver: ${cause?.code ?? cause?.message ?? (err as Error).message}.`);
      }
      // Drain the body so the connection can be reused; a receiver's text helps the admin when it failed.
      const text = await response.text().catch(() => "");
      if (response.status < 200 || response.status > 299) {
        const snippet = text.trim().slice(0, 200);
        throw new SinkDeliveryError(`The receiver answered HTTP ${response.status}${snippet ? `: ${snippet}` : ""}.`, response.status);
      }
      return { status: response.status };
    },
  };
}
