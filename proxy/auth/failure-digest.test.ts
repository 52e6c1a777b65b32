import { describe, expect, it } from "vitest";
import { FailureDigest, OVERFLOW_KEY, type SignInFailure } from "./failure-digest";

const at = (minute: number, second = 0) => Date.UTC(2026, 0, 1, 10, minute, second);
const failure = (o: Partial<SignInFailure> = {}): SignInFailure => ({ addressKey: "10.0.0.1", address: "10.0.0.1", userName: "eve", database: "orders", reason: "token_unknown", at: at(0, 5), ...o });

describe("the failure digest", () => {
  it("sums a minute's failures of one address into one event, written once the minute has closed", () => {
    const digest = new FailureDigest({ maxNamesListed: 3, maxBuckets: 100 });
    for (let i = 0; i < 500; i++) digest.add(failure({ userName: `user${i % 5}`, reason: i % 10 === 0 ? "throttled" : "token_unknown", at: at(0, i % 60) }));
    expect(digest.drain(at(0, 59))).toEqual([]);
    const events = digest.drain(at(1));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: "unauthenticated",
      action: "gateway.sign_in.failed",
      targetType: "client_address",
      targetName: "10.0.0.1",
      details: {
        count: 500,
        reasons: { token_unknown: 450, throttled: 50 },
        userNames: ["user0", "user1", "user2"],
        otherUserNames: 2,
        databases: ["orders"],
        minute: new Date(at(0)).toISOString(),
        firstAt: new Date(at(0, 0)).toISOString(),
        lastAt: new Date(at(0, 59)).toISOString(),
      },
    });
    expect(digest.pending).toBe(0);
    expect(digest.drain(at(5))).toEqual([]);
  });

  it("keeps addresses and minutes apart, and drains everything at shutdown", () => {
    const digest = new FailureDigest();
    digest.add(failure());
    digest.add(failure({ addressKey: "10.0.0.2", address: "10.0.0.2" }));
    digest.add(failure({ at: at(1, 1) }));
    expect(digest.nextCloseAt()).toBe(at(1));
    expect(digest.drain(at(1)).map((e) => e.targetName)).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(digest.drain(Number.POSITIVE_INFINITY).map((e) => (e.details as { minute: string }).minute)).toEqual([new Date(at(1)).toISOString()]);
  });

  it("keeps a bounded number of buckets: addresses past the cap share one per minute", () => {
    const digest = new FailureDigest({ maxNamesListed: 20, maxBuckets: 2 });
    for (let i = 0; i < 50; i++) digest.add(failure({ addressKey: `10.0.1.${i}`, address: `10.0.1.${i}` }));
    const events = digest.drain(at(1));
    expect(events.map((e) => e.targetName)).toEqual(["10.0.1.0", "10.0.1.1", OVERFLOW_KEY]);
    expect((events[2].details as { count: number }).count).toBe(48);
  });
});
