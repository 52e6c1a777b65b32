import { describe, expect, it } from "vitest";
import type { ColumnLineage } from "./lineage-types";
import { CONSTANT, chooseFrom, deriveFrom, lineageKey, undetermined } from "./lineage-values";

const src = (column: string) => ({ schema: "public", table: "customers", column });
const direct = (...columns: string[]): ColumnLineage => ({ kind: "direct", sources: columns.map(src) });
const derived = (...columns: string[]): ColumnLineage => ({ kind: "derived", sources: columns.map(src) });

describe("chooseFrom: a value that is one of several (set operations, COALESCE)", () => {
  it("is undetermined if any part is, keeping every part's sources", () => {
    expect(chooseFrom([direct("email"), undetermined("opaque", [src("name")])])).toEqual({ kind: "undetermined", reason: "opaque", sources: [src("email"), src("name")] });
  });

  it("is derived if any part is derived from sources", () => {
    expect(chooseFrom([direct("email"), derived("name")])).toEqual(derived("email", "name"));
  });

  it("is direct when the others are direct or constants", () => {
    expect(chooseFrom([direct("email"), CONSTANT, direct("name"), direct("email")])).toEqual(direct("email", "name"));
    expect(chooseFrom([direct("email"), { kind: "derived", sources: [], exemptBy: "count", exempted: [src("phone")] }])).toEqual(direct("email"));
  });

  it("is a constant when every part is", () => {
    expect(chooseFrom([CONSTANT, CONSTANT])).toEqual(CONSTANT);
  });
});

describe("deriveFrom: a value computed from all of its parts", () => {
  it("is derived from the union of the sources, even from direct parts", () => {
    expect(deriveFrom([direct("email"), CONSTANT, derived("name")])).toEqual(derived("email", "name"));
  });

  it("is undetermined if any part is", () => {
    expect(deriveFrom([direct("email"), undetermined("unknown column x")]).kind).toBe("undetermined");
  });
});

describe("lineageKey", () => {
  it("ignores the order of sources", () => {
    expect(lineageKey(direct("a", "b"))).toBe(lineageKey(direct("b", "a")));
    expect(lineageKey(direct("a"))).not.toBe(lineageKey(derived("a")));
  });
});
