import { serialize } from "pg-protocol";
import type { Endpoint } from "./endpoints";
import type { LargeResultRead } from "./large-result";
import { PeakMemoryWatch, readMemory } from "./process-memory";
import { connectAtTheWire, readUntilReady } from "./wire-client";

/**
 * Reads a large result at the wire: one simple Query, then only the message frames are walked until
 * ReadyForQuery, decoding no rows. What is left is the proxy's own throughput, without the client's
 * row decoding in the way.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY
 */
export async function readLargeResultRaw(endpoint: Endpoint, sql: string, watchPid: number | null): Promise<LargeResultRead> {
  const wire = await connectAtTheWire(endpoint, "large-result-bench-raw");
  const rssBefore = watchPid ? (readMemory(watchPid)?.rss ?? null) : null;
  const watch = watchPid ? new PeakMemoryWatch(watchPid) : null;
  let bytes = 0;
  let rows = 0;
  const count = (chunk: Buffer) => (bytes += chunk.length);
  try {
    wire.socket.on("data", count);
    const started = process.hrtime.bigint();
    const done = readUntilReady(wire.socket, (type) => type === "D" && rows++);
    wire.socket.write(serialize.query(sql));
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { rows, bytes, seconds, mbPerSecond: bytes / 1e6 / seconds, rssBefore, peakRss: watch?.stop() ?? null, firstRow: null };
  } finally {
    wire.socket.off("data", count);
    watch?.stop();
    await wire.close();
  }
}
