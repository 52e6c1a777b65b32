import { describe, expect, it } from "vitest";
import { pollWhileOpen } from "./poll-while-open";

describe("pollWhileOpen", () => {
  it("polls while any listed session is open", () => {
    expect(pollWhileOpen([{ endedAt: "2026-12-07T10:00:00Z" }, { endedAt: null }], 5000)).toBe(5000);
  });

  it("stops once every listed session has ended, and before anything has loaded", () => {
    expect(pollWhileOpen([{ endedAt: "2026-12-07T10:00:00Z" }], 5000)).toBe(false);
    expect(pollWhileOpen([], 5000)).toBe(false);
    expect(pollWhileOpen(undefined, 5000)).toBe(false);
  });
});
