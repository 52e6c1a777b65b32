import { describe, expect, it } from "vitest";
import { BackendPids, senderPidFor, withSenderPid } from "./backend-pids";

function notification(pid: number, channel = "ch", payload = "hi"): Buffer {
  const body = Buffer.concat([Buffer.alloc(4), Buffer.from(`${channel}\0${payload}\0`)]);
  body.writeInt32BE(pid, 0);
  const head = Buffer.from([0x41, 0, 0, 0, 0]);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

describe("notification sender pids", () => {
  const pids = new BackendPids();
  const release = pids.register("db:5432", 4242, 1_000_001);
  pids.register("other:5432", 5151, 1_000_002);
  const mine = senderPidFor(pids, "db:5432", { backendPid: 7000, clientPid: 1_000_000 });

  it("shows the client's own notifications under the process id it was given", () => {
    const out = withSenderPid(notification(7000), mine);
    expect(out.readInt32BE(5)).toBe(1_000_000);
    expect(out.subarray(9)).toEqual(notification(7000).subarray(9));
  });

  it("shows another session of this worker on the same server under its client's id", () => {
    expect(withSenderPid(notification(4242), mine).readInt32BE(5)).toBe(1_000_001);
    // A backend of that pid on another server is someone else.
    expect(withSenderPid(notification(5151), mine).readInt32BE(5)).toBe(5151);
  });

  it("keeps other backends' real ids, but never one equal to the client's own", () => {
    const frame = notification(1234);
    expect(withSenderPid(frame, mine)).toBe(frame);
    expect(withSenderPid(notification(1_000_000), mine).readInt32BE(5)).toBe(0);
  });

  it("forgets a session once released", () => {
    release();
    expect(withSenderPid(notification(4242), mine).readInt32BE(5)).toBe(4242);
    expect(pids.size).toBe(1);
  });

  it("a session whose server sent no backend key keeps every real id apart from its own stand-in", () => {
    const keyless = senderPidFor(pids, "db:5432", { backendPid: null, clientPid: 99 });
    expect(keyless(7000)).toBe(7000);
    expect(keyless(99)).toBe(0);
  });
});
