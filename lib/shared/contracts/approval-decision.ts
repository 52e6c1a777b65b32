import { decideApprovalInput } from "./approvals";

export const REJECT_COMMENT_REQUIRED = "Say why you reject it: the client gets your comment with the error.";

/**
 * A decision from the console: the CLI's rules, plus a comment on every rejection, because the
 * waiting client's error carries it and "rejected" alone tells them nothing they can act on.
 */
export const consoleDecisionInput = decideApprovalInput.refine((d) => d.decision !== "reject" || Boolean(d.comment?.trim()), {
  path: ["comment"],
  message: REJECT_COMMENT_REQUIRED,
});
