import { describe, expect, it } from "vitest";
import { hasAuditFilters, readAuditFilters, writeAuditFilters } from "./audit-filters-url";

describe("audit filters in the URL", () => {
  it("reads known, valid filters and drops the rest", () => {
    const params = new URLSearchParams("actor=%20alice%20&action=connection.create&from=2026-03-01T10:00:00.000Z&to=yesterday&q=&limit=5");
    expect(readAuditFilters(params)).toEqual({ actor: "alice", action: "connection.create", from: "2026-03-01T10:00:00.000Z" });
  });
  it("writes a stable query string without empty values", () => {
    expect(writeAuditFilters({ q: "orders", actor: "bob", targetType: " " })).toBe("actor=bob&q=orders");
    expect(writeAuditFilters({})).toBe("");
  });
  it("round-trips through the URL", () => {
    const filters = { targetType: "connection", to: "2026-03-01T10:00:00.000Z" };
    expect(readAuditFilters(new URLSearchParams(writeAuditFilters(filters)))).toEqual(filters);
  });
  it("knows when any filter is set", () => {
    expect(hasAuditFilters({})).toBe(false);
    expect(hasAuditFilters({ q: "x" })).toBe(true);
  });
});
