import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NewAuditEvent } from "@/lib/audit/append-event";
import { createLogger } from "../log";
import { SignInDesk } from "./sign-in-desk";
import { createLocalSignInGuard } from "./sign-in-guard";

describe("the sign-in guard over a desk in this process", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 1, 10, 0, 0));
  });
  afterEach(() => vi.useRealTimers());

  const make = () => {
    const written: NewAuditEvent[] = [];
    const desk = new SignInDesk<number>({
      ledger: { freeAttempts: 2, baseDelayMs: 100, maxDelayMs: 1000, maxWaitMs: 2000, maxWaiting: 10, maxWaitingWhenFailing: 1 },
      log: createLogger("error", () => {}),
      writeEvents: async (events) => void written.push(...events),
    });
    return { guard: createLocalSignInGuard(desk), desk, written };
  };
  const failed = { kind: "failed", userName: "eve", database: "orders", reason: "token_unknown" } as const;

  it("holds an attempt past the budget until one in flight ends, and refuses it unchecked once it waited too long", async () => {
    const { guard } = make();
    const [a, b] = await Promise.all([guard.admit("10.0.0.1"), guard.admit("10.0.0.1")]);
    expect([a.isAdmitted, b.isAdmitted]).toEqual([true, true]);
    let third: boolean | undefined;
    void guard.admit("10.0.0.1").then((t) => (third = t.isAdmitted));
    await vi.advanceTimersByTimeAsync(10);
    expect(third).toBeUndefined();
    a.finish({ kind: "signed_in" });
    await vi.advanceTimersByTimeAsync(0);
    expect(third).toBe(true);
    let fourth: boolean | undefined;
    void guard.admit("10.0.0.1").then((t) => (fourth = t.isAdmitted));
    await vi.advanceTimersByTimeAsync(1999);
    expect(fourth).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(fourth).toBe(false);
  });

  it("writes one event per address once the minute closes, with the throttled ones counted as such", async () => {
    const { guard, written } = make();
    for (let i = 0; i < 2; i++) (await guard.admit("10.0.0.1")).finish(failed);
    (await guard.admit("10.0.0.1")).finish(failed);
    // One may wait for the spacing to pass; the line holds one, so the others are refused at once.
    const pending = Promise.all([guard.admit("10.0.0.1"), guard.admit("10.0.0.1"), guard.admit("10.0.0.1")]);
    await vi.advanceTimersByTimeAsync(200);
    const refused = await pending;
    expect(refused.map((r) => r.isAdmitted)).toEqual([true, false, false]);
    for (const r of refused) r.finish(failed);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(written).toHaveLength(1);
    const details = written[0].details as { count: number; reasons: Record<string, number> };
    expect(details.count).toBe(6);
    expect(details.reasons).toEqual({ token_unknown: 4, throttled: 2 });
  });

  it("writes what is left at close, and refuses attempts still waiting", async () => {
    const { guard, written } = make();
    (await guard.admit("2001:db8::1")).finish(failed);
    (await guard.admit("2001:db8::2")).finish(failed);
    // The same /64: its budget is spent, so one attempt at a time.
    const inFlight = await guard.admit("2001:db8::3");
    expect(inFlight.isAdmitted).toBe(true);
    const waiting = guard.admit("2001:db8::4");
    await guard.close();
    expect((await waiting).isAdmitted).toBe(false);
    expect(written.map((e) => e.targetName)).toEqual(["2001:db8:0:0::/64"]);
    expect((written[0].details as { count: number }).count).toBe(2);
  });
});
