import { describe, expect, it } from "vitest";
import { SlotLedger } from "./slot-ledger";

describe("the ledger of connection places", () => {
  it("grants places up to its max across holders, and again once one is given back", () => {
    const ledger = new SlotLedger<string>(3);
    expect([ledger.take("a"), ledger.take("b"), ledger.take("a"), ledger.take("b")]).toEqual([true, true, true, false]);
    expect(ledger.inUse).toBe(3);
    ledger.release("b");
    expect(ledger.take("a")).toBe(true);
    expect(ledger.take("b")).toBe(false);
  });

  it("ignores releases a holder does not owe, so a double release cannot open extra places", () => {
    const ledger = new SlotLedger<string>(2);
    ledger.take("a");
    ledger.release("b");
    ledger.release("a");
    ledger.release("a");
    expect(ledger.inUse).toBe(0);
    expect([ledger.take("a"), ledger.take("a"), ledger.take("a")]).toEqual([true, true, false]);
  });

  it("gives back every place of a holder that is gone (a worker that exited)", () => {
    const ledger = new SlotLedger<string>(3);
    ledger.take("a");
    ledger.take("a");
    ledger.take("b");
    ledger.forget("a");
    expect(ledger.inUse).toBe(1);
    expect([ledger.take("c"), ledger.take("c"), ledger.take("c")]).toEqual([true, true, false]);
    ledger.release("a");
    expect(ledger.inUse).toBe(3);
  });
});
