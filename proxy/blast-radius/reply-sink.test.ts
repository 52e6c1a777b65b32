import { describe, expect, it } from "vitest";
import { errorResponse, readyForQuery } from "../protocol/backend-messages";
import { ReplySink } from "./reply-sink";

describe("ReplySink", () => {
  it("keeps the answers, their first error and the Query's status; replaces the ReadyForQuery with the status after the guard", () => {
    const sink = new ReplySink(1024);
    const error = errorResponse({ severity: "ERROR", sqlState: "23505", message: "dup" });
    const late = Buffer.from([0x41, 0, 0, 0, 4]);
    for (const f of [error, readyForQuery("E"), late]) sink.push(f);
    expect(sink.errorCode).toBe("23505");
    expect(sink.lastStatus).toBe("E");
    expect(sink.withStatus("I").map((f) => String.fromCharCode(f[0]))).toEqual(["E", "A", "Z"]);
    expect(sink.withStatus("I").at(-1)![5]).toBe("I".charCodeAt(0));
  });

  it("keeps nothing past its cap, and says so (the guard then refuses the write)", () => {
    const sink = new ReplySink(10);
    sink.push(Buffer.alloc(8));
    sink.push(Buffer.alloc(8));
    sink.push(readyForQuery("T"));
    expect(sink.isOverflowing).toBe(true);
    expect(sink.frames).toEqual([]);
    expect(sink.lastStatus).toBe("T");
  });
});
