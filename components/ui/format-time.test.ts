import { describe, expect, it } from "vitest";
import { formatRelativeTime } from "./format-time";

describe("formatRelativeTime", () => {
  const now = new Date("2026-03-12T12:00:00Z");
  it("says 'just now' under a minute", () => {
    expect(formatRelativeTime("2026-03-12T11:59:30Z", now, "en")).toBe("just now");
  });
  it("picks the largest whole unit", () => {
    expect(formatRelativeTime("2026-03-12T11:55:00Z", now, "en")).toBe("5 minutes ago");
    expect(formatRelativeTime("2026-03-12T09:00:00Z", now, "en")).toBe("3 hours ago");
    expect(formatRelativeTime("2026-03-11T12:00:00Z", now, "en")).toBe("yesterday");
  });
  it("returns the input when it is not a date", () => {
    expect(formatRelativeTime("not a date", now, "en")).toBe("not a date");
  });
});
