import { describe, expect, it } from "vitest";
import { containsPattern, escapeLikePattern, splitMatches } from "./highlight-matches";

describe("splitMatches", () => {
  it("marks every occurrence, whatever its case, and keeps the original text", () => {
    expect(splitMatches("select pg_read_file('x'), PG_READ_FILE('y')", "pg_read_file")).toEqual([
      { text: "select ", isMatch: false },
      { text: "pg_read_file", isMatch: true },
      { text: "('x'), ", isMatch: false },
      { text: "PG_READ_FILE", isMatch: true },
      { text: "('y')", isMatch: false },
    ]);
  });

  it("handles matches at both ends, no match, and an empty query", () => {
    expect(splitMatches("abcab", "ab")).toEqual([
      { text: "ab", isMatch: true },
      { text: "c", isMatch: false },
      { text: "ab", isMatch: true },
    ]);
    expect(splitMatches("select 1", "zzz")).toEqual([{ text: "select 1", isMatch: false }]);
    expect(splitMatches("select 1", "")).toEqual([{ text: "select 1", isMatch: false }]);
  });

  it("does not overlap matches", () => {
    expect(splitMatches("aaaa", "aa").filter((p) => p.isMatch)).toHaveLength(2);
  });
});

describe("LIKE patterns", () => {
  it("escapes %, _ and backslash so they match themselves", () => {
    expect(escapeLikePattern("50%_off\\")).toBe("50\\%\\_off\\\\");
    expect(containsPattern("pg_read")).toBe("%pg\\_read%");
  });
});
