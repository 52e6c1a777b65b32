import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { STORE_CHANNELS, type StoreChannel, type StoreListener } from "@/lib/db/store-listener";
import { createApprovalEventStream, formatSseEvent } from "./approval-event-stream";

/** A StoreListener whose notifications the test sends by hand. */
function fakeListener() {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const reconnects = new Set<() => void>();
  const listener: StoreListener = {
    on(channel, handler) {
      const set = handlers.get(channel) ?? new Set();
      set.add(handler);
      handlers.set(channel, set);
      return () => set.delete(handler);
    },
    onReconnect(handler) {
      reconnects.add(handler);
      return () => reconnects.delete(handler);
    },
    close: async () => {},
  };
  return {
    listener,
    notify: (channel: StoreChannel, payload: string) => handlers.get(channel)?.forEach((h) => h(payload)),
    reconnect: () => reconnects.forEach((h) => h()),
    subscriberCount: () => [...handlers.values()].reduce((n, s) => n + s.size, 0) + reconnects.size,
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value);
  }
}

describe("createApprovalEventStream", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("turns store notifications into SSE events, sends heartbeats, and unsubscribes when the client leaves", async () => {
    const fake = fakeListener();
    const abort = new AbortController();
    const stream = createApprovalEventStream(fake.listener, abort.signal, 15_000);
    const text = readAll(stream);
    fake.notify(STORE_CHANNELS.approvalRequested, "req-1");
    vi.advanceTimersByTime(15_000);
    fake.notify(STORE_CHANNELS.approvalDecided, "req-1");
    fake.reconnect();
    fake.notify(STORE_CHANNELS.policyChanged, "conn-1");
    expect(fake.subscriberCount()).toBe(3);
    abort.abort();
    expect(await text).toBe(
      "retry: 3000\n: connected\n\n" +
        'event: approval\ndata: {"type":"requested","id":"req-1"}\n\n' +
        ": heartbeat\n\n" +
        'event: approval\ndata: {"type":"decided","id":"req-1"}\n\n' +
        "event: resync\ndata: {}\n\n",
    );
    expect(fake.subscriberCount()).toBe(0);
    // Nothing is sent after the end, and no timer keeps running.
    fake.notify(STORE_CHANNELS.approvalRequested, "req-2");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("unsubscribes when the reader cancels", async () => {
    const fake = fakeListener();
    const stream = createApprovalEventStream(fake.listener, new AbortController().signal);
    await stream.cancel();
    expect(fake.subscriberCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("formatSseEvent", () => {
  it("writes one event with JSON data and a blank line", () => {
    expect(formatSseEvent("approval", { id: "a\nb" })).toBe('event: approval\ndata: {"id":"a\\nb"}\n\n');
  });
});
