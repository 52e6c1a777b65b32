import { describe, expect, it } from "vitest";
import { formatTimeLeft, isRunningOut } from "./format-time-left";

const now = Date.parse("2026-03-12T12:00:00Z");

describe("formatTimeLeft", () => {
  it("counts minutes and seconds under an hour, rounding up so 0:00 is never shown while time is left", () => {
    expect(formatTimeLeft("2026-03-12T12:15:00Z", now)).toBe("15:00");
    expect(formatTimeLeft("2026-03-12T12:00:00.200Z", now)).toBe("0:01");
    expect(formatTimeLeft("2026-03-12T12:00:59Z", now)).toBe("0:59");
  });
  it("switches to hours beyond an hour", () => {
    expect(formatTimeLeft("2026-03-12T14:05:00Z", now)).toBe("2 h 05 min");
  });
  it("says expired at and after the deadline, and a dash for a bad date", () => {
    expect(formatTimeLeft("2026-03-12T12:00:00Z", now)).toBe("expired");
    expect(formatTimeLeft("2026-03-12T11:00:00Z", now)).toBe("expired");
    expect(formatTimeLeft("soon", now)).toBe("—");
  });
});

describe("isRunningOut", () => {
  it("is true in the last minute", () => {
    expect(isRunningOut("2026-03-12T12:00:30Z", now)).toBe(true);
    expect(isRunningOut("2026-03-12T12:05:00Z", now)).toBe(false);
  });
});
