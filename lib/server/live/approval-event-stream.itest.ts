import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStoreListener, STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import { createTestStore } from "@/tests/test-database";
import { createApprovalEventStream } from "./approval-event-stream";

describe("approval event stream (real PostgreSQL NOTIFY)", () => {
  let url: string;
  let listener: StoreListener;
  beforeAll(async () => {
    url = await createTestStore();
    listener = createStoreListener(url);
  });
  afterAll(() => listener.close());

  it("delivers a NOTIFY committed by another connection as an SSE event, to every open stream", async () => {
    const streams = [new AbortController(), new AbortController()].map((abort) => ({ abort, reader: createApprovalEventStream(listener, abort.signal).getReader() }));
    const decoder = new TextDecoder();
    const readUntil = async (reader: ReadableStreamDefaultReader<Uint8Array>, needle: string) => {
      let text = "";
      while (!text.includes(needle)) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      return text;
    };
    for (const s of streams) expect(await readUntil(s.reader, ": connected")).toContain("retry: 3000");

    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    // The first subscriber's LISTEN is issued asynchronously; retry the NOTIFY until it lands.
    const id = "5b1e0c8e-2a41-4a53-9d8e-3f0d6f1f2c11";
    const expected = `event: approval\ndata: {"type":"requested","id":"${id}"}\n\n`;
    const received = Promise.all(streams.map((s) => readUntil(s.reader, expected)));
    const timer = setInterval(() => writer.query("select pg_notify($1, $2)", [STORE_CHANNELS.approvalRequested, id]).catch(() => {}), 200);
    try {
      const texts = await received;
      for (const text of texts) expect(text).toContain(expected);
    } finally {
      clearInterval(timer);
      await writer.end();
    }
    // Leaving ends each stream (after whatever repeated notifications were already queued).
    const endsAfterQueued = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
      for (let i = 0; i < 100; i++) if ((await reader.read()).done) return true;
      return false;
    };
    for (const s of streams) s.abort.abort();
    for (const s of streams) expect(await endsAfterQueued(s.reader)).toBe(true);
  });
});
