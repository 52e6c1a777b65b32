import { describe, expect, it } from "vitest";
import { firstKeptSeq, mergeGaps } from "./merge-gaps";

describe("mergeGaps", () => {
  it("joins touching runs and keeps the later link hash", () => {
    const merged = mergeGaps([{ fromSeq: 1, toSeq: 9, linkHash: "h9" }], [
      { fromSeq: 10, toSeq: 20, linkHash: "h20" },
      { fromSeq: 22, toSeq: 22, linkHash: "h22" },
    ]);
    expect(merged).toEqual([
      { fromSeq: 1, toSeq: 20, linkHash: "h20" },
      { fromSeq: 22, toSeq: 22, linkHash: "h22" },
    ]);
    expect(firstKeptSeq(merged)).toBe(21);
  });

  it("absorbs an earlier straggler run into a later prefix drop", () => {
    const merged = mergeGaps([{ fromSeq: 1, toSeq: 4, linkHash: "h4" }, { fromSeq: 7, toSeq: 7, linkHash: "h7" }], [{ fromSeq: 5, toSeq: 6, linkHash: "h6" }]);
    expect(merged).toEqual([{ fromSeq: 1, toSeq: 7, linkHash: "h7" }]);
  });

  it("starts at 1 with nothing dropped", () => {
    expect(firstKeptSeq([])).toBe(1);
    expect(firstKeptSeq([{ fromSeq: 3, toSeq: 3, linkHash: "x" }])).toBe(1);
  });
});
