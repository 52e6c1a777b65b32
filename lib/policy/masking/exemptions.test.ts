import { describe, expect, it } from "vitest";
import { findActiveExemption, isExempt } from "./exemptions";

const now = new Date("2025-06-01T12:00:00Z");
const exemptions = [
  { group: "fraud-team", expiresAt: null, reason: "investigations" },
  { group: "support", expiresAt: "2025-06-01T12:00:00Z", reason: "ends now" },
  { group: "support", expiresAt: "2025-06-30T00:00:00+02:00", reason: "June" },
  { group: "auditors", expiresAt: "2025-05-31T23:59:59Z", reason: "May" },
  { group: "broken", expiresAt: "not a date", reason: "" },
];

describe("exemptions", () => {
  it("exempts members of a group whose exemption has no expiry", () => {
    expect(isExempt(["eng", "fraud-team"], exemptions, now)).toBe(true);
    expect(findActiveExemption(["fraud-team"], exemptions, now)?.reason).toBe("investigations");
  });

  it("skips an exemption that has expired, even at the very instant, and uses a later one", () => {
    expect(findActiveExemption(["support"], exemptions, now)?.reason).toBe("June");
    expect(isExempt(["auditors"], exemptions, now)).toBe(false);
    expect(isExempt(["support"], exemptions, new Date("2025-06-30T00:00:00Z"))).toBe(false);
  });

  it("does not exempt other groups, no groups, or a group compared in another case", () => {
    expect(isExempt(["eng"], exemptions, now)).toBe(false);
    expect(isExempt([], exemptions, now)).toBe(false);
    expect(isExempt(["Fraud-Team"], exemptions, now)).toBe(false);
    expect(isExempt(["fraud-team"], [], now)).toBe(false);
  });

  it("treats an expiry that does not parse as expired", () => {
    expect(isExempt(["broken"], exemptions, now)).toBe(false);
  });
});
