import type { FinalDecision, ReviewOutcome } from "../hooks/gateway-hooks";
import { SqlState } from "../protocol/sql-state";
import type { WaitOutcome } from "./approval-waiter";

/**
 * What a held statement becomes once its wait ends. Approved: it runs. Rejected: 42501 with the
 * reviewer's comment. Timed out: 57014, as a statement timeout would. Cancelled by the client: 57014
 * "canceling statement due to user request", exactly PostgreSQL's answer to a cancelled query.
 */
export function decisionForOutcome(requestId: string, outcome: WaitOutcome): FinalDecision {
  if (outcome.kind === "withdrawn") {
    const message = "canceling statement due to user request";
    return { action: "block", sqlState: SqlState.QueryCanceled, message, reason: `approval request ${requestId} withdrawn: the client ${outcome.why === "cancelled" ? "cancelled the statement" : "disconnected"}`, review: review(requestId, null, null, null) };
  }
  const r = outcome.request;
  const rv = review(r.id, r.decidedBy, r.decidedAt, r.decisionComment);
  switch (r.status) {
    case "approved":
      // No comment in the notice: it is sent as written, and a comment is a reviewer's free text.
      return { action: "forward", reason: `approved by ${r.decidedBy} (approval request ${r.id})`, review: rv, notice: `Approved by ${r.decidedBy} (approval request ${r.id}); the statement runs now.` };
    case "rejected": {
      const comment = r.decisionComment?.trim() ?? "";
      const message = `Rejected by ${r.decidedBy} (approval request ${r.id}): ${comment || "no comment given"}`;
      // The comment is free text a reviewer may have pasted data into: masked like the server's words.
      return { action: "block", sqlState: SqlState.InsufficientPrivilege, message, quoted: comment ? [comment] : [], reason: `rejected by ${r.decidedBy}`, review: rv };
    }
    case "timed_out": {
      const seconds = Math.max(1, Math.round((r.expiresAt.getTime() - r.createdAt.getTime()) / 1000));
      const message = `canceling statement due to approval timeout: nobody decided on approval request ${r.id} within ${describeTimeout(seconds)}`;
      return { action: "block", sqlState: SqlState.QueryCanceled, message, reason: "approval timed out", review: rv };
    }
    default:
      return { action: "block", sqlState: SqlState.QueryCanceled, message: `canceling statement: approval request ${r.id} was ${r.status}`, reason: `approval request ${r.status}`, review: rv };
  }
}

function review(id: string, by: string | null, at: Date | null, comment: string | null): ReviewOutcome {
  return { approvalRequestId: id, decidedBy: by, decidedAt: at, comment };
}

/** A rule's timeout as people say it: whole minutes as minutes, anything else in seconds (10 seconds is not "0 minutes"). */
export function describeTimeout(seconds: number): string {
  if (seconds % 60 === 0) return seconds === 60 ? "1 minute" : `${seconds / 60} minutes`;
  return seconds === 1 ? "1 second" : `${seconds} seconds`;
}
