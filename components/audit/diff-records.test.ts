import { describe, expect, it } from "vitest";
import { diffRecords, isSameJson } from "./diff-records";

describe("diffRecords", () => {
  it("marks changed, unchanged, added and removed keys", () => {
    const rows = diffRecords({ host: "a", port: 5432, groups: ["x", "y"], gone: 1 }, { host: "b", port: 5432, groups: ["x", "y"], fresh: true });
    expect(rows?.map((r) => [r.key, r.change])).toEqual([
      ["host", "changed"],
      ["port", "unchanged"],
      ["groups", "unchanged"],
      ["fresh", "added"],
      ["gone", "removed"],
    ]);
  });
  it("treats a missing side as empty (create and delete events)", () => {
    expect(diffRecords(null, { name: "orders" })).toEqual([{ key: "name", before: undefined, after: "orders", change: "added" }]);
    expect(diffRecords({ name: "orders" }, undefined)?.[0].change).toBe("removed");
    expect(diffRecords(null, null)).toEqual([]);
  });
  it("gives up on non-objects so the caller shows raw JSON", () => {
    expect(diffRecords([1], [2])).toBeNull();
    expect(diffRecords("a", { b: 1 })).toBeNull();
  });
});

describe("isSameJson", () => {
  it("ignores key order but not array order", () => {
    expect(isSameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(isSameJson([1, 2], [2, 1])).toBe(false);
    expect(isSameJson({ a: undefined }, {})).toBe(false);
  });
});
