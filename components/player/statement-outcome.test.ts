import { describe, expect, it } from "vitest";
import { OUTCOME_SEVERITY, statementOutcome } from "./statement-outcome";

describe("statementOutcome", () => {
  it("maps recorded statuses to the player's colours", () => {
    expect(statementOutcome({ status: "ok", decision: "forward" }).outcome).toBe("ok");
    expect(statementOutcome({ status: "error", decision: "forward" }).outcome).toBe("error");
    expect(statementOutcome({ status: "blocked", decision: "block" }).outcome).toBe("blocked");
    expect(statementOutcome({ status: "running", decision: "forward" }).outcome).toBe("running");
  });
  it("shows a statement waiting for approval as held, and an approved one by its outcome", () => {
    expect(statementOutcome({ status: "running", decision: "hold" })).toEqual({ outcome: "held", label: "held" });
    expect(statementOutcome({ status: "ok", decision: "hold" }).outcome).toBe("ok");
    expect(statementOutcome({ status: "error", decision: "hold" }).outcome).toBe("error");
  });
  it("labels the other statuses by name", () => {
    expect(statementOutcome({ status: "skipped", decision: "forward" })).toEqual({ outcome: "other", label: "skipped" });
    expect(statementOutcome({ status: "unknown", decision: "forward" })).toEqual({ outcome: "other", label: "unknown" });
  });
  it("ranks errors above everything when statements share a bar", () => {
    expect(Object.entries(OUTCOME_SEVERITY).sort((a, b) => b[1] - a[1]).map(([o]) => o)).toEqual(["error", "blocked", "held", "running", "other", "ok"]);
  });
});
