import { describe, expect, it } from "vitest";
import { formatDuration, formatElapsed } from "./format-duration";

describe("formatDuration", () => {
  it("picks a unit people read at a glance", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(0.237)).toBe("0.24 ms");
    expect(formatDuration(850.4)).toBe("850 ms");
    expect(formatDuration(1234)).toBe("1.23 s");
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(245_000)).toBe("4 min 05 s");
    expect(formatDuration(7_380_000)).toBe("2 h 03 min");
    expect(formatDuration(3 * 86_400_000 + 5 * 3_600_000)).toBe("3 d 5 h");
  });
  it("shows a dash for missing or impossible values", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(-1)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});

describe("formatElapsed", () => {
  it("measures between two instants, or shows a dash while open", () => {
    expect(formatElapsed("2026-03-01T10:00:00Z", "2026-03-01T10:00:02.5Z")).toBe("2.50 s");
    expect(formatElapsed("2026-03-01T10:00:00Z", null)).toBe("—");
  });
});
