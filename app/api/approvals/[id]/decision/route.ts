import { NextResponse } from "next/server";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { consoleDecisionInput } from "@/lib/shared/contracts/approval-decision";

/**
 * Approve or reject, with a comment and, for an approval, an optional grant (of the exact statement
 * unless `grantScope` says its shape). The service refuses a decision on one's own statement or on
 * one run under a token the reviewer minted, by someone outside the rule's reviewer groups (403), or on a
 * request already decided (409), with a sentence the inbox shows as is. A rejection needs a comment.
 */
export const POST = withRole<{ id: string }>(["reviewer", "admin"], (req, { user, params }) =>
  handle(async () => {
    const input = await parseBody(req, consoleDecisionInput);
    const decided = await decideApproval(getDb(), {
      requestId: params.id,
      reviewer: { email: user.email, groups: user.groups },
      decision: input.decision,
      comment: input.comment,
      grantMinutes: input.grantMinutes ?? undefined,
      grantScope: input.grantScope,
    }, { webhookUrl: getConfig().WARDEN_APPROVAL_WEBHOOK_URL, publicUrl: getConfig().PUBLIC_URL });
    return NextResponse.json(decided);
  }),
);
