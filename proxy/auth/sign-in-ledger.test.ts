import { describe, expect, it } from "vitest";
import { SignInLedger, type LedgerOptions } from "./sign-in-ledger";

const OPTS: LedgerOptions = { freeAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxWaitMs: 5000, maxWaiting: 50, maxWaitingWhenFailing: 2, windowMs: 60_000, maxAddresses: 100 };

describe("the sign-in ledger", () => {
  it("lets a burst start only up to the budget: the others wait, unchecked", () => {
    const ledger = new SignInLedger<number>(OPTS);
    const answers = Array.from({ length: 10 }, (_, i) => ledger.request("a", i, 0));
    expect(answers.filter((a) => a === "start")).toHaveLength(3);
    expect(answers.filter((a) => a === "wait")).toHaveLength(7);
    // Another address is not held up by this one.
    expect(ledger.request("b", 99, 0)).toBe("start");
  });

  it("lets the line move at once when attempts succeed (a pool opening its connections)", () => {
    const ledger = new SignInLedger<number>(OPTS);
    for (let i = 0; i < 6; i++) ledger.request("a", i, 0);
    for (let i = 0; i < 3; i++) ledger.settle("a", "signed_in", 1);
    expect(ledger.due(1).start.map((s) => s.holder)).toEqual([3, 4, 5]);
    expect(ledger.failureCount("a", 1)).toBe(0);
  });

  it("once failures fill the budget, starts one attempt at a time, spaced ever more up to the cap", () => {
    const ledger = new SignInLedger<number>(OPTS);
    for (let i = 0; i < 3; i++) ledger.request("a", i, 0);
    for (let i = 0; i < 3; i++) ledger.settle("a", "failed", 0);
    const starts: number[] = [];
    let t = 0;
    let holder = 10;
    ledger.request("a", holder++, t);
    starts.push(t);
    // The attacker keeps an attempt waiting at all times; each started one fails at once.
    while (t < 4000) {
      expect(ledger.request("a", holder++, t)).toBe("wait");
      ledger.settle("a", "failed", t);
      t = ledger.nextDueAt() ?? t + 1;
      const { start } = ledger.due(t);
      for (const _ of start) starts.push(t);
    }
    // Spaced 100, 200, 400, 800, then the 1000 ms cap: a handful of checks in 4 s, not hundreds.
    expect(starts).toEqual([0, 100, 300, 700, 1500, 2500, 3500, 4500]);
  });

  it("refuses at once when the line of a failing address is full, and counts the refusal as a failure", () => {
    const ledger = new SignInLedger<number>(OPTS);
    for (let i = 0; i < 3; i++) ledger.request("a", i, 0);
    for (let i = 0; i < 3; i++) ledger.settle("a", "failed", 0);
    expect(ledger.request("a", 10, 0)).toBe("start");
    expect([ledger.request("a", 11, 0), ledger.request("a", 12, 0), ledger.request("a", 13, 0)]).toEqual(["wait", "wait", "refuse"]);
    expect(ledger.failureCount("a", 0)).toBe(4);
  });

  it("refuses a waiting attempt once it has waited maxWaitMs", () => {
    const ledger = new SignInLedger<number>(OPTS);
    for (let i = 0; i < 4; i++) ledger.request("a", i, 0);
    expect(ledger.nextDueAt()).toBe(5000);
    expect(ledger.due(5000)).toEqual({ start: [], refuse: [{ key: "a", holder: 3 }] });
  });

  it("does not clear failures on a success; forgets them a window after the last one", () => {
    const ledger = new SignInLedger<number>(OPTS);
    ledger.request("a", 1, 0);
    ledger.settle("a", "failed", 0);
    ledger.request("a", 2, 0);
    ledger.settle("a", "signed_in", 0);
    expect(ledger.failureCount("a", 0)).toBe(1);
    expect(ledger.failureCount("a", 60_000)).toBe(0);
  });

  it("forgets a waiting attempt whose client left", () => {
    const ledger = new SignInLedger<number>(OPTS);
    for (let i = 0; i < 5; i++) ledger.request("a", i, 0);
    ledger.withdraw("a", 3);
    ledger.settle("a", "unchecked", 1);
    ledger.settle("a", "unchecked", 1);
    expect(ledger.due(1).start.map((s) => s.holder)).toEqual([4]);
  });
});
