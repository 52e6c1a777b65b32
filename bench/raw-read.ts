import net from "node:net";
import pg from "pg";
import { serialize } from "pg-protocol";
import type { Endpoint } from "./endpoints";
import type { LargeResultRead } from "./large-result";
import { PeakMemoryWatch, readMemory } from "./process-memory";

/**
 * Reads a large result at the wire: node-postgres signs in (SCRAM, tokens: whatever the endpoint
 * wants), then the bench takes the socket over, sends one simple Query and only walks the message
 * frames until ReadyForQuery, decoding no rows. What is left is the proxy's own throughput, without
 * the client's row decoding in the way.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SIMPLE-QUERY
 */
export async function readLargeResultRaw(endpoint: Endpoint, sql: string, watchPid: number | null): Promise<LargeResultRead> {
  const client = new pg.Client({ ...endpoint, application_name: "large-result-bench-raw" });
  client.on("error", () => {});
  await client.connect();
  const socket = (client as unknown as { connection: { stream: net.Socket } }).connection.stream;
  // node-postgres stops reading from here on: the bytes are ours.
  socket.removeAllListeners("data");
  const rssBefore = watchPid ? (readMemory(watchPid)?.rss ?? null) : null;
  const watch = watchPid ? new PeakMemoryWatch(watchPid) : null;
  const started = process.hrtime.bigint();
  let bytes = 0;
  let rows = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      // Where the next message header starts, counted from the start of the current chunk.
      let next = 0;
      let header: Buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        let at = next;
        while (at < chunk.length) {
          // A header may straddle two chunks: gather its 5 bytes first.
          const need = 5 - header.length;
          const part = chunk.subarray(at, at + need);
          header = header.length ? Buffer.concat([header, part]) : part;
          if (header.length < 5) {
            at = chunk.length;
            break;
          }
          const type = String.fromCharCode(header[0]!);
          const length = header.readInt32BE(1);
          at += part.length + (length - 4);
          header = Buffer.alloc(0);
          if (type === "D") rows++;
          else if (type === "E") return finish(new Error("the server answered with an error"));
          else if (type === "Z") return finish();
        }
        next = at - chunk.length;
      };
      const finish = (err?: Error) => {
        socket.off("data", onData);
        err ? reject(err) : resolve();
      };
      socket.on("data", onData);
      socket.once("close", () => finish(new Error("connection closed during the read")));
      socket.write(serialize.query(sql));
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { rows, bytes, seconds, mbPerSecond: bytes / 1e6 / seconds, rssBefore, peakRss: watch?.stop() ?? null, firstRow: null };
  } finally {
    watch?.stop();
    // Terminate on the socket node-postgres still owns for writing; the server then closes it.
    await client.end().catch(() => socket.destroy());
  }
}
