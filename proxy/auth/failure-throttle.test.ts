import { describe, expect, it } from "vitest";
import { FailureThrottle } from "./failure-throttle";

describe("FailureThrottle", () => {
  const make = () => {
    let t = 0;
    const throttle = new FailureThrottle({ baseDelayMs: 100, maxDelayMs: 1000, windowMs: 60_000, maxAddresses: 2, now: () => t });
    return { throttle, advance: (ms: number) => (t += ms) };
  };

  it("answers a first failure at once and later ones ever slower, up to the cap", () => {
    const { throttle } = make();
    expect([1, 2, 3, 4, 5, 6].map(() => throttle.recordFailure("10.0.0.1"))).toEqual([0, 100, 200, 400, 800, 1000]);
    expect(throttle.recordFailure("10.0.0.2")).toBe(0);
  });

  it("forgets an address after a success or once the window has passed", () => {
    const { throttle, advance } = make();
    throttle.recordFailure("a");
    throttle.recordFailure("a");
    throttle.recordSuccess("a");
    expect(throttle.recordFailure("a")).toBe(0);
    throttle.recordFailure("a");
    advance(61_000);
    expect(throttle.failureCount("a")).toBe(0);
    expect(throttle.recordFailure("a")).toBe(0);
  });

  it("keeps a bounded number of addresses", () => {
    const { throttle } = make();
    throttle.recordFailure("a");
    throttle.recordFailure("b");
    throttle.recordFailure("c");
    expect(throttle.failureCount("a")).toBe(0);
    expect(throttle.failureCount("c")).toBe(1);
  });
});
