import type net from "node:net";
import pg from "pg";
import type { Endpoint } from "./endpoints";

/**
 * A connection whose socket the bench writes and reads itself: node-postgres signs in (SCRAM,
 * tokens: whatever the endpoint wants), then stops reading, and the bytes are the bench's. For
 * measuring a proxy at the wire, without a client's row decoding in the way.
 */
export async function connectAtTheWire(endpoint: Endpoint, applicationName: string): Promise<{ socket: net.Socket; close(): Promise<void> }> {
  const client = new pg.Client({ ...endpoint, application_name: applicationName });
  client.on("error", () => {});
  await client.connect();
  const socket = (client as unknown as { connection: { stream: net.Socket } }).connection.stream;
  socket.removeAllListeners("data");
  return {
    socket,
    // Terminate on the socket node-postgres still owns for writing; the server then closes it.
    close: () => client.end().catch(() => void socket.destroy()),
  };
}

/**
 * Reads backend messages until ReadyForQuery, calling `onMessage` with each one's type byte and
 * walking only the frames (5-byte headers; bodies are skipped, never copied), except an
 * ErrorResponse, whose message becomes the rejection.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */
export function readUntilReady(socket: net.Socket, onMessage: (type: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // Where the next message header starts, counted from the start of the current chunk.
    let next = 0;
    let header: Buffer = Buffer.alloc(0);
    // The body of an ErrorResponse being gathered, and how many of its bytes are still to come.
    let error: Buffer[] | null = null;
    let errorLeft = 0;
    const onData = (chunk: Buffer) => {
      let at = next;
      if (error && errorLeft > 0) {
        const part = chunk.subarray(0, errorLeft);
        error.push(part);
        errorLeft -= part.length;
        if (errorLeft === 0) return finish(new Error(errorText(Buffer.concat(error))));
      }
      while (at < chunk.length) {
        // A header may straddle two chunks: gather its 5 bytes first.
        const part = chunk.subarray(at, at + 5 - header.length);
        header = header.length ? Buffer.concat([header, part]) : part;
        if (header.length < 5) {
          at = chunk.length;
          break;
        }
        const type = String.fromCharCode(header[0]!);
        const bodyLength = header.readInt32BE(1) - 4;
        const bodyStart = at + part.length;
        at = bodyStart + bodyLength;
        header = Buffer.alloc(0);
        if (type === "E") {
          error = [chunk.subarray(bodyStart, at)];
          errorLeft = bodyLength - error[0]!.length;
          if (errorLeft === 0) return finish(new Error(errorText(error[0]!)));
          break;
        }
        onMessage(type);
        if (type === "Z") return finish();
      }
      next = at - chunk.length;
    };
    const onClose = () => finish(new Error("connection closed before ReadyForQuery"));
    const finish = (err?: Error) => {
      socket.off("data", onData);
      socket.off("close", onClose);
      if (err) reject(err);
      else resolve();
    };
    socket.on("data", onData);
    socket.once("close", onClose);
  });
}

/** The M (message) field of an ErrorResponse body: https://www.postgresql.org/docs/current/protocol-error-fields.html */
function errorText(body: Buffer): string {
  for (let at = 0; at < body.length && body[at] !== 0; ) {
    const end = body.indexOf(0, at + 1);
    if (body[at] === 0x4d) return `the server answered with an error: ${body.toString("utf8", at + 1, end)}`;
    at = end + 1;
  }
  return "the server answered with an error";
}
