import pg from "pg";
import type { Endpoint } from "./endpoints";
import { PeakMemoryWatch, readMemory } from "./process-memory";

export type LargeResultRead = {
  rows: number;
  /** Protocol bytes received from the socket. */
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  /** RSS of the watched process (the gateway) before the read, and its peak during it, in bytes. */
  rssBefore: number | null;
  peakRss: number | null;
  /** The first row, to check what the client was shown (masking). */
  firstRow: unknown[] | null;
};

/**
 * Reads a whole large result with node-postgres, row by row and without keeping rows (a 'row'
 * listener turns off accumulation), counting the bytes that arrive on the socket. A real client
 * does real decoding work, as an application or agent would.
 */
export async function readLargeResult(endpoint: Endpoint, sql: string, watchPid: number | null): Promise<LargeResultRead> {
  const client = new pg.Client({ ...endpoint, application_name: "large-result-bench" });
  await client.connect();
  try {
    const stream = (client as unknown as { connection: { stream: NodeJS.ReadableStream } }).connection.stream;
    let bytes = 0;
    const count = (chunk: Buffer) => (bytes += chunk.length);
    const rssBefore = watchPid ? (readMemory(watchPid)?.rss ?? null) : null;
    const watch = watchPid ? new PeakMemoryWatch(watchPid) : null;
    stream.on("data", count);
    const started = process.hrtime.bigint();
    let rows = 0;
    let firstRow: unknown[] | null = null;
    await new Promise<void>((resolve, reject) => {
      // rowMode is in node-postgres but missing from QueryConfig's types.
      const query = new pg.Query<unknown[]>({ text: sql, rowMode: "array" } as pg.QueryConfig);
      query.on("row", (row) => {
        if (rows++ === 0) firstRow = row;
      });
      query.on("end", () => resolve());
      query.on("error", reject);
      client.query(query);
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    stream.off("data", count);
    const peakRss = watch?.stop() ?? null;
    return { rows, bytes, seconds, mbPerSecond: bytes / 1e6 / seconds, rssBefore, peakRss, firstRow };
  } finally {
    await client.end();
  }
}
