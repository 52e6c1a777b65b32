import "server-only";
import { STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import type { ApprovalStreamEvent } from "@/lib/shared/contracts/approval-stream";

/** A comment line every 15 s keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

const encoder = new TextEncoder();

/** One Server-Sent Events message: https://html.spec.whatwg.org/multipage/server-sent-events.html */
export function formatSseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The inbox's live feed as a `text/event-stream` body: an `approval` event when a request is created
 * or decided (the browser refetches what it shows; the event carries only the id, so nothing a reader
 * may not see travels here), `resync` after the store connection came back (notifications may have
 * been missed), and heartbeats. Ends, and unsubscribes, when the client goes away (`signal`).
 */
export function createApprovalEventStream(listener: StoreListener, signal: AbortSignal, heartbeatMs = HEARTBEAT_MS): ReadableStream<Uint8Array> {
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let isOpen = true;
      const send = (chunk: string) => {
        if (!isOpen) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          stop();
        }
      };
      const push = (event: ApprovalStreamEvent) => send(formatSseEvent("approval", event));
      // Reconnect after 3 s if the stream drops; the comment makes the headers go out at once.
      send("retry: 3000\n: connected\n\n");
      const unsubscribe = [
        listener.on(STORE_CHANNELS.approvalRequested, (id) => push({ type: "requested", id })),
        listener.on(STORE_CHANNELS.approvalDecided, (id) => push({ type: "decided", id })),
        listener.onReconnect(() => send(formatSseEvent("resync", {}))),
      ];
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), heartbeatMs);
      stop = () => {
        if (!isOpen) return;
        isOpen = false;
        clearInterval(heartbeat);
        unsubscribe.forEach((u) => u());
        try {
          controller.close();
        } catch {
          // already closed by the reader going away
        }
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
}
