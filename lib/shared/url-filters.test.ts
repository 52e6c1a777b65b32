import { describe, expect, it } from "vitest";
import { auditFilterFields } from "./contracts/audit";
import { sessionFilterFields } from "./contracts/sessions";
import { hasFilters, readFilters, writeFilters } from "./url-filters";

const connection = "3f2b8c1e-4a5d-4e6f-8a7b-9c0d1e2f3a4b";

describe("session filters in the URL", () => {
  const read = (qs: string) => readFilters(sessionFilterFields, new URLSearchParams(qs));
  it("reads known, valid filters and drops the rest", () => {
    expect(read(`user=%20dev@example.com%20&actor=robot&connection=${connection}&from=2026-03-01T10:00:00.000Z&to=soon&errors=yes&page=2`)).toEqual({
      user: "dev@example.com",
      connection,
      from: "2026-03-01T10:00:00.000Z",
    });
    expect(read("actor=agent&errors=1")).toEqual({ actor: "agent", errors: "1" });
  });
  it("writes a stable query string without empty values", () => {
    expect(writeFilters(sessionFilterFields, { errors: "1", actor: "agent", user: " " })).toBe("actor=agent&errors=1");
    expect(writeFilters(sessionFilterFields, {})).toBe("");
  });
  it("round-trips through the URL", () => {
    const filters = { user: "dev@example.com", actor: "service" as const, connection, to: "2026-03-01T10:00:00.000Z", errors: "1" as const };
    expect(read(writeFilters(sessionFilterFields, filters))).toEqual(filters);
  });
  it("knows when any filter is set", () => {
    expect(hasFilters(sessionFilterFields, {})).toBe(false);
    expect(hasFilters(sessionFilterFields, { errors: "1" })).toBe(true);
  });
});

describe("audit filters in the URL", () => {
  const read = (qs: string) => readFilters(auditFilterFields, new URLSearchParams(qs));
  it("reads known, valid filters and drops the rest", () => {
    expect(read("actor=%20alice%20&action=connection.create&from=2026-03-01T10:00:00.000Z&to=yesterday&q=&limit=5")).toEqual({
      actor: "alice",
      action: "connection.create",
      from: "2026-03-01T10:00:00.000Z",
    });
    expect(read(`q=${"x".repeat(201)}&targetType=token`)).toEqual({ targetType: "token" });
  });
  it("writes a stable query string without empty values", () => {
    expect(writeFilters(auditFilterFields, { q: "orders", actor: "bob", targetType: " " })).toBe("actor=bob&q=orders");
    expect(writeFilters(auditFilterFields, {})).toBe("");
  });
  it("round-trips through the URL", () => {
    const filters = { targetType: "connection", to: "2026-03-01T10:00:00.000Z" };
    expect(read(writeFilters(auditFilterFields, filters))).toEqual(filters);
  });
  it("knows when any filter is set", () => {
    expect(hasFilters(auditFilterFields, {})).toBe(false);
    expect(hasFilters(auditFilterFields, { q: "x" })).toBe(true);
  });
});
