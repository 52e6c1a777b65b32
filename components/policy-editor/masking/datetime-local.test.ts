import { describe, expect, it } from "vitest";
import { fromDateTimeLocal, toDateTimeLocal } from "./datetime-local";

describe("datetime-local values", () => {
  it("round-trips an instant through the local form, to the minute", () => {
    const iso = "2026-03-01T12:30:00.000Z";
    expect(toDateTimeLocal(iso)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(fromDateTimeLocal(toDateTimeLocal(iso))).toBe(iso);
  });

  it("has no value for no expiry, a bad instant, or a half-typed field", () => {
    expect(toDateTimeLocal(null)).toBe("");
    expect(toDateTimeLocal("soon")).toBe("");
    expect(fromDateTimeLocal("")).toBeNull();
    expect(fromDateTimeLocal("2026-03-01")).toBeNull();
  });
});
