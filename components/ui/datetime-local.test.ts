import { describe, expect, it } from "vitest";
import { fromDateTimeLocal, toDateTimeLocal } from "./datetime-local";

describe("datetime-local conversion", () => {
  it("round-trips a local minute through an ISO instant", () => {
    const iso = fromDateTimeLocal("2026-03-01T09:30");
    expect(iso).toMatch(/Z$/);
    expect(toDateTimeLocal(iso)).toBe("2026-03-01T09:30");
  });
  it("treats empty and invalid values as no filter", () => {
    expect(fromDateTimeLocal("")).toBeUndefined();
    expect(fromDateTimeLocal("garbage")).toBeUndefined();
    expect(toDateTimeLocal(undefined)).toBe("");
    expect(toDateTimeLocal("garbage")).toBe("");
  });
});
