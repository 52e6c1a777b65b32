import { describe, expect, it } from "vitest";
import { hasSessionFilters, readSessionFilters, writeSessionFilters } from "./session-filters-url";

const connection = "3f2b8c1e-4a5d-4e6f-8a7b-9c0d1e2f3a4b";

describe("session filters in the URL", () => {
  it("reads known, valid filters and drops the rest", () => {
    const params = new URLSearchParams(`user=%20dev@example.com%20&actor=robot&connection=${connection}&from=2026-03-01T10:00:00.000Z&to=soon&errors=yes&page=2`);
    expect(readSessionFilters(params)).toEqual({ user: "dev@example.com", connection, from: "2026-03-01T10:00:00.000Z" });
    expect(readSessionFilters(new URLSearchParams("actor=agent&errors=1"))).toEqual({ actor: "agent", errors: "1" });
  });
  it("writes a stable query string without empty values", () => {
    expect(writeSessionFilters({ errors: "1", actor: "agent", user: " " })).toBe("actor=agent&errors=1");
    expect(writeSessionFilters({})).toBe("");
  });
  it("round-trips through the URL", () => {
    const filters = { user: "dev@example.com", actor: "service" as const, connection, to: "2026-03-01T10:00:00.000Z", errors: "1" as const };
    expect(readSessionFilters(new URLSearchParams(writeSessionFilters(filters)))).toEqual(filters);
  });
  it("knows when any filter is set", () => {
    expect(hasSessionFilters({})).toBe(false);
    expect(hasSessionFilters({ errors: "1" })).toBe(true);
  });
});
