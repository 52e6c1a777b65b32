import { describe, expect, it } from "vitest";
import { consoleDecisionInput, REJECT_COMMENT_REQUIRED } from "./approval-decision";

describe("consoleDecisionInput", () => {
  it("needs a comment to reject, not to approve", () => {
    expect(consoleDecisionInput.safeParse({ decision: "approve" }).success).toBe(true);
    const bare = consoleDecisionInput.safeParse({ decision: "reject", comment: "  " });
    expect(bare.success).toBe(false);
    expect(bare.error?.issues).toEqual([expect.objectContaining({ path: ["comment"], message: REJECT_COMMENT_REQUIRED })]);
    expect(consoleDecisionInput.safeParse({ decision: "reject", comment: "Use a WHERE clause." }).success).toBe(true);
  });
  it("keeps the shared rules: a grant only with an approval", () => {
    expect(consoleDecisionInput.safeParse({ decision: "reject", comment: "no", grantMinutes: 5 }).success).toBe(false);
    expect(consoleDecisionInput.safeParse({ decision: "approve", grantMinutes: 5 }).success).toBe(true);
  });
});
