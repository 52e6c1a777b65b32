import { describe, expect, it } from "vitest";
import { formatDateTime, formatRelativeTime, formatTimeOfDay, formatUtc } from "./format-date-time";

const WINTER = "2026-12-07T16:22:05.123Z";
const SUMMER = "2026-07-01T09:05:00Z";

describe("formatDateTime", () => {
  it("writes the date, the time to the second and the zone's name, in the given zone", () => {
    expect(formatDateTime(WINTER, { timeZone: "Europe/Berlin", locale: "en-GB" })).toBe("7 Dec 2026, 17:22:05 CET");
    expect(formatDateTime(SUMMER, { timeZone: "Europe/Berlin", locale: "en-GB" })).toBe("1 Jul 2026, 11:05:00 CEST");
    expect(formatDateTime(WINTER, { timeZone: "UTC", locale: "en-GB" })).toBe("7 Dec 2026, 16:22:05 UTC");
  });

  it("shows the zone in other locales too", () => {
    expect(formatDateTime(WINTER, { timeZone: "America/New_York", locale: "en-US" })).toMatch(/^Dec 7, 2026, 11:22:05\sAM EST$/);
  });

  it("returns the input when it is not a date", () => {
    expect(formatDateTime("not a date")).toBe("not a date");
  });
});

describe("formatUtc", () => {
  it("writes the instant in UTC to the second, whatever the zone it was given in", () => {
    expect(formatUtc(WINTER)).toBe("2026-12-07 16:22:05 UTC");
    expect(formatUtc("2026-12-07T17:22:05+01:00")).toBe("2026-12-07 16:22:05 UTC");
  });
});

describe("formatTimeOfDay", () => {
  it("writes hours and minutes with the zone", () => {
    expect(formatTimeOfDay(WINTER, { timeZone: "Europe/Berlin", locale: "en-GB" })).toBe("17:22 CET");
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2026-03-12T12:00:00Z");
  it("says 'just now' under a minute", () => {
    expect(formatRelativeTime("2026-03-12T11:59:30Z", now, "en")).toBe("just now");
  });
  it("picks the largest whole unit", () => {
    expect(formatRelativeTime("2026-03-12T11:55:00Z", now, "en")).toBe("5 minutes ago");
    expect(formatRelativeTime("2026-03-12T09:00:00Z", now, "en")).toBe("3 hours ago");
    expect(formatRelativeTime("2026-03-11T12:00:00Z", now, "en")).toBe("yesterday");
    expect(formatRelativeTime("2026-03-12T14:00:00Z", now, "en")).toBe("in 2 hours");
  });
  it("returns the input when it is not a date", () => {
    expect(formatRelativeTime("not a date", now, "en")).toBe("not a date");
  });
});
