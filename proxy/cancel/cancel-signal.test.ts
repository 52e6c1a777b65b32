import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CANCEL_SIGNAL_MAX_AGE_MS, cancelSigningKey, decodeCancelSignal, encodeCancelSignal, isSignalForKey } from "./cancel-signal";

describe("cancel signals between workers", () => {
  const signingKey = cancelSigningKey(randomBytes(32));
  const cancelKey = randomBytes(32);
  const now = 1_750_000_000_000;

  it("round-trips and is accepted for the key it was made from", () => {
    const payload = encodeCancelSignal(signingKey, 12345, cancelKey, now);
    const signal = decodeCancelSignal(payload)!;
    expect(signal).toMatchObject({ processId: 12345, sentAt: now });
    expect(isSignalForKey(signingKey, signal, cancelKey, now + 100)).toBe(true);
  });

  it("never carries the secret key itself", () => {
    const short = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const payload = encodeCancelSignal(signingKey, 7, short, now);
    expect(payload).not.toContain(short.toString("hex"));
    expect(payload).not.toContain(short.toString("base64url"));
    expect(payload).not.toContain(String(short.readInt32BE(0)));
  });

  it("refuses another key, another installation secret, another process id, or a tampered tag", () => {
    const signal = decodeCancelSignal(encodeCancelSignal(signingKey, 12345, cancelKey, now))!;
    expect(isSignalForKey(signingKey, signal, randomBytes(32), now)).toBe(false);
    expect(isSignalForKey(signingKey, signal, cancelKey.subarray(0, 4), now)).toBe(false);
    expect(isSignalForKey(cancelSigningKey(randomBytes(32)), signal, cancelKey, now)).toBe(false);
    expect(isSignalForKey(signingKey, { ...signal, processId: 12346 }, cancelKey, now)).toBe(false);
    const tag = Buffer.from(signal.tag);
    tag[0] ^= 1;
    expect(isSignalForKey(signingKey, { ...signal, tag }, cancelKey, now)).toBe(false);
  });

  it("is good only for a short while, either side of the sender's clock", () => {
    const signal = decodeCancelSignal(encodeCancelSignal(signingKey, 1, cancelKey, now))!;
    expect(isSignalForKey(signingKey, signal, cancelKey, now + CANCEL_SIGNAL_MAX_AGE_MS)).toBe(true);
    expect(isSignalForKey(signingKey, signal, cancelKey, now + CANCEL_SIGNAL_MAX_AGE_MS + 1)).toBe(false);
    expect(isSignalForKey(signingKey, signal, cancelKey, now - CANCEL_SIGNAL_MAX_AGE_MS - 1)).toBe(false);
  });

  it("ignores malformed payloads", () => {
    const tag = "A".repeat(43);
    for (const payload of ["", "v1", `v2:1:${now}:${tag}`, `v1:0:${now}:${tag}`, `v1:2147483648:${now}:${tag}`, `v1:x:${now}:${tag}`, `v1:1:${now}:short`, `v1:1:${now}:${tag}:extra`]) {
      expect(decodeCancelSignal(payload)).toBeNull();
    }
  });
});
