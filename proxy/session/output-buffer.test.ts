import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { OutputBuffer } from "./output-buffer";

/** A socket that keeps what each write call was given. */
function recordingSocket() {
  const socket = new PassThrough({ highWaterMark: 1 << 20 });
  const writes: Buffer[] = [];
  const write = socket.write.bind(socket);
  socket.write = ((chunk: Buffer, ...rest: never[]) => {
    writes.push(chunk);
    return write(chunk, ...rest);
  }) as typeof socket.write;
  return { socket, writes };
}

describe("OutputBuffer", () => {
  it("writes frames that were adjacent in one chunk as one slice of it", () => {
    const chunk = Buffer.from("aaabbbccc");
    const out = new OutputBuffer();
    out.push(chunk.subarray(0, 3));
    out.push(chunk.subarray(3, 6));
    out.push(chunk.subarray(6, 9));
    const { socket, writes } = recordingSocket();
    expect(out.flushTo(socket)).toBe(true);
    expect(writes.map((w) => w.toString())).toEqual(["aaabbbccc"]);
    expect(writes[0]!.buffer).toBe(chunk.buffer);
    expect(out.isEmpty).toBe(true);
  });

  it("keeps frames from elsewhere, and gaps, as parts of their own, in order", () => {
    const chunk = Buffer.from("aaabbbccc");
    const out = new OutputBuffer();
    expect(out.isEmpty).toBe(true);
    out.push(chunk.subarray(0, 3));
    out.push(Buffer.from("XY"));
    out.push(chunk.subarray(3, 6));
    out.push(chunk.subarray(7, 9));
    expect(out.isEmpty).toBe(false);
    const { socket, writes } = recordingSocket();
    out.flushTo(socket);
    expect(writes.map((w) => w.toString())).toEqual(["aaa", "XY", "bbb", "cc"]);
    expect(out.flushTo(socket)).toBe(true);
    expect(writes).toHaveLength(4);
  });

  it("writes nothing to a socket that is gone, and forgets what it held", () => {
    const out = new OutputBuffer();
    out.push(Buffer.from("abc"));
    const { socket, writes } = recordingSocket();
    socket.destroy();
    expect(out.flushTo(socket)).toBe(true);
    expect(writes).toEqual([]);
    expect(out.isEmpty).toBe(true);
  });
});
