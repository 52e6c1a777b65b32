import { describe, expect, it } from "vitest";
import { readRowCapNotice, rowCapNotice } from "./row-cap-notice";

describe("row-cap notice", () => {
  it("names the cap and the total, and reads back what it wrote", () => {
    expect(rowCapNotice(50, 1000)).toBe("Warden: result cut at 50 rows by the connection's agent row cap (1000 rows in all)");
    expect(readRowCapNotice(rowCapNotice(50, 1000))).toEqual({ cap: 50, total: 1000 });
    expect(readRowCapNotice(rowCapNotice(3, null))).toEqual({ cap: 3, total: null });
  });

  it("reads nothing from other messages", () => {
    expect(readRowCapNotice("Warden is holding this statement for approval request x (rule: y)")).toBeNull();
    expect(readRowCapNotice(`${rowCapNotice(1, 2)} and more`)).toBeNull();
  });
});
