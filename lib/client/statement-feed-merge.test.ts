import { describe, expect, it } from "vitest";
import type { StatementSummaryDto } from "@/lib/shared/contracts/sessions";
import { mergeStatements, nextFeedCursor, UNSETTLED_WINDOW } from "./statement-feed-merge";

const stmt = (seq: number, status: StatementSummaryDto["status"] = "ok"): StatementSummaryDto => ({
  id: `id-${seq}`,
  seq,
  protocol: "simple",
  sqlPreview: `select ${seq}`,
  isSqlTruncated: false,
  kind: "read",
  command: "select",
  decision: "forward",
  status,
  receivedAt: "2026-03-01T10:00:00.000Z",
  finishedAt: null,
  gatewayMs: null,
  durationMs: null,
  commandTag: null,
  rowCount: null,
  errorCode: null,
});

describe("mergeStatements", () => {
  it("appends new statements in order", () => {
    expect(mergeStatements([stmt(1), stmt(2)], [stmt(3), stmt(4)]).map((s) => s.seq)).toEqual([1, 2, 3, 4]);
  });
  it("replaces statements it has seen with their newer record and keeps those the page did not cover", () => {
    const merged = mergeStatements([stmt(1), stmt(2, "running"), stmt(3), stmt(5)], [stmt(2, "error"), stmt(4)]);
    expect(merged.map((s) => [s.seq, s.status])).toEqual([
      [1, "ok"],
      [2, "error"],
      [3, "ok"],
      [4, "ok"],
      [5, "ok"],
    ]);
  });
  it("returns the same array when the page is empty, so nothing re-renders", () => {
    const existing = [stmt(1)];
    expect(mergeStatements(existing, [])).toBe(existing);
  });
});

describe("nextFeedCursor", () => {
  it("starts after the newest statement when every outcome is in", () => {
    expect(nextFeedCursor([])).toBe(0);
    expect(nextFeedCursor([stmt(1), stmt(7)])).toBe(7);
  });
  it("starts just before the oldest statement still running, to pick up its outcome", () => {
    expect(nextFeedCursor([stmt(1), stmt(2, "running"), stmt(3, "suspended"), stmt(4)])).toBe(1);
  });
  it("ignores a statement left running long ago", () => {
    const list = [stmt(1, "running"), ...Array.from({ length: UNSETTLED_WINDOW }, (_, i) => stmt(i + 2))];
    expect(nextFeedCursor(list)).toBe(UNSETTLED_WINDOW + 1);
  });
});
