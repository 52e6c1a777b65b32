import { describe, expect, it } from "vitest";
import { parseInteger } from "./integer-input";
import { parseList } from "./list-input";

describe("parseList", () => {
  it("splits on commas and new lines and drops blanks", () => {
    expect(parseList(" reviewer, dba\nleads,, ")).toEqual(["reviewer", "dba", "leads"]);
    expect(parseList("")).toEqual([]);
  });
});

describe("parseInteger", () => {
  it("reads whole numbers, empty as null and anything else as NaN", () => {
    expect(parseInteger(" 42 ")).toBe(42);
    expect(parseInteger("")).toBeNull();
    expect(parseInteger("1.5")).toBeNaN();
    expect(parseInteger("ten")).toBeNaN();
  });
});
