import { describe, expect, it } from "vitest";
import { sortRows } from "./sort-rows";

describe("sortRows", () => {
  const rows = [{ v: "db10" }, { v: "" }, { v: "db9" }, { v: "Alpha" }];
  it("sorts text naturally and case-insensitively", () => {
    expect(sortRows(rows, (r) => r.v, "asc").map((r) => r.v)).toEqual(["Alpha", "db9", "db10", ""]);
  });
  it("keeps empty values last when descending", () => {
    expect(sortRows(rows, (r) => r.v, "desc").map((r) => r.v)).toEqual(["db10", "db9", "Alpha", ""]);
  });
  it("sorts numbers numerically and does not mutate the input", () => {
    const nums = [{ v: 10 }, { v: 2 }, { v: null }, { v: 33 }];
    expect(sortRows(nums, (r) => r.v, "desc").map((r) => r.v)).toEqual([33, 10, 2, null]);
    expect(nums.map((r) => r.v)).toEqual([10, 2, null, 33]);
  });
});
