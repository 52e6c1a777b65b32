import { describe, expect, it } from "vitest";
import type { ApprovalRequest } from "@/drizzle/schema";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { decisionForOutcome, describeTimeout } from "./approval-outcome";
import { holdNotice } from "./hold-statement";

const created = new Date("2030-01-01T10:00:00Z");
const request = (over: Partial<ApprovalRequest>): ApprovalRequest =>
  ({ id: "r1", status: "pending", createdAt: created, expiresAt: new Date(created.getTime() + 15 * 60_000), decidedBy: null, decidedAt: null, decisionComment: null, ...over }) as ApprovalRequest;

describe("decisionForOutcome", () => {
  it("runs an approved statement, recording who approved it, and tells the client who did (never the comment: a notice is sent as written)", () => {
    const at = new Date();
    expect(decisionForOutcome("r1", { kind: "closed", request: request({ status: "approved", decidedBy: "rita@example.com", decidedAt: at, decisionComment: "ok 4111 1111 1111 1111" }) })).toEqual({
      action: "forward",
      reason: "approved by rita@example.com (approval request r1)",
      review: { approvalRequestId: "r1", decidedBy: "rita@example.com", decidedAt: at, comment: "ok 4111 1111 1111 1111" },
      notice: "Approved by rita@example.com (approval request r1); the statement runs now.",
    });
  });

  it("refuses a rejected one with 42501 and the reviewer's comment", () => {
    expect(decisionForOutcome("r1", { kind: "closed", request: request({ status: "rejected", decidedBy: "rita@example.com", decisionComment: "too broad" }) })).toMatchObject({
      action: "block",
      sqlState: "42501",
      message: "Rejected by rita@example.com (approval request r1): too broad",
    });
    expect(decisionForOutcome("r1", { kind: "closed", request: request({ status: "rejected", decidedBy: "rita@example.com", decisionComment: "  " }) })).toMatchObject({ message: expect.stringMatching(/: no comment given$/) });
  });

  it("cancels a timed-out one with 57014, naming the wait", () => {
    expect(decisionForOutcome("r1", { kind: "closed", request: request({ status: "timed_out" }) })).toMatchObject({
      action: "block",
      sqlState: "57014",
      message: "canceling statement due to approval timeout: nobody decided on approval request r1 within 15 minutes",
    });
  });

  it("names a timeout under a minute in seconds, not as 0 or 1 minute", () => {
    const expiresAt = new Date(created.getTime() + 10_000);
    expect(decisionForOutcome("r1", { kind: "closed", request: request({ status: "timed_out", expiresAt }) })).toMatchObject({ message: expect.stringMatching(/within 10 seconds$/) });
    expect([10, 60, 90, 900, 86_400].map(describeTimeout)).toEqual(["10 seconds", "1 minute", "90 seconds", "15 minutes", "1440 minutes"]);
  });

  it("answers a client's cancel exactly as PostgreSQL does", () => {
    expect(decisionForOutcome("r1", { kind: "withdrawn", why: "cancelled" })).toMatchObject({ action: "block", sqlState: "57014", message: "canceling statement due to user request" });
  });
});

describe("holdNotice", () => {
  it("names the request, the reasons, who decides, the deadline and where to look", () => {
    const rule = defaultPolicy().approvals[1]!;
    expect(holdNotice("r1", rule, ["DROP", "sent by a human"], "https://warden.example.com")).toBe(
      "Warden is holding this statement for approval request r1 (Destructive statements need a reviewer: DROP; sent by a human). " +
        "It runs once a reviewer from reviewer approves it, and is cancelled after 15 minutes without a decision. Review it at https://warden.example.com/approvals/r1",
    );
    expect(holdNotice("r1", { ...rule, minApprovals: 2, reviewerGroups: ["dba", "leads"] }, ["x"], "u")).toContain("once 2 reviewers from dba, leads approve it");
    expect(holdNotice("r1", { ...rule, timeoutSeconds: 10 }, ["x"], "u")).toContain("is cancelled after 10 seconds without a decision");
  });

  it("names the subject and the minter when someone else minted the token; not for one's own token or a JWT", () => {
    const rule = defaultPolicy().approvals[1]!;
    expect(holdNotice("r1", rule, ["x"], "u", { subject: "dev@example.com", mintedBy: "admin@example.com" })).toContain(
      "It runs as dev@example.com, under a token minted by admin@example.com; neither may approve it. Review it at u/approvals/r1",
    );
    expect(holdNotice("r1", rule, ["x"], "u", { subject: "dev@example.com", mintedBy: "Dev@Example.com" })).not.toContain("minted by");
    expect(holdNotice("r1", rule, ["x"], "u", { subject: "dev@example.com", mintedBy: null })).not.toContain("minted by");
  });
});
