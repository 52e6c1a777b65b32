import "server-only";
import { eq, sql } from "drizzle-orm";
import { approvalDecisions, approvalGrants, approvalRequests, type ApprovalDecision, type ApprovalRequest, type GrantScope } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db, DbOrTx } from "@/lib/db/create-db";
import { STORE_CHANNELS } from "@/lib/db/store-listener";
import { decideApprovalInput, partyRefusal, type ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { ServiceError } from "../connections/service-error";
import { sendApprovalWebhook, type ApprovalNotifyOptions } from "./send-approval-webhook";
import { getApprovalRequest, UUID } from "./get-approval-request";

/**
 * A person deciding: their email and groups, and `aliases`, the other names they act under where the
 * decision comes from (the CLI's `cli:user@host`, which is what a token minted from that terminal
 * records as its minter).
 */
export type Reviewer = { email: string; groups: string[]; aliases?: string[] };

export type DecideApprovalCommand = {
  requestId: string;
  reviewer: Reviewer;
  decision: "approve" | "reject";
  comment?: string;
  /** With an approval, when the rule allows grants: let the requester run it again without asking, for N minutes. */
  grantMinutes?: number | null;
  /** What such a grant covers: this exact statement (the default), or, chosen explicitly, every statement of its shape. */
  grantScope?: GrantScope;
};

/**
 * A reviewer's vote on a held statement: the same rules for the console and `warden approvals
 * decide`. The reviewer must be in one of the request's reviewer groups and may be neither the
 * statement's subject (the user name it ran as) nor the minter of the token it ran under, whatever
 * user name that token carries (partyRefusal); a request that is no longer pending (or has
 * expired) takes no votes. One rejection rejects; `minApprovals` approvals from different reviewers approve. The vote, the request's new
 * state, any grant and their audit events commit together, with a NOTIFY that wakes the gateway
 * worker holding the statement, wherever it runs.
 */
export async function decideApproval(db: Db, command: DecideApprovalCommand, options: ApprovalNotifyOptions = {}): Promise<ApprovalRequestDto> {
  const parsed = decideApprovalInput.safeParse({ decision: command.decision, comment: command.comment, grantMinutes: command.grantMinutes ?? null, grantScope: command.grantScope });
  if (!parsed.success) throw new ServiceError(parsed.error.issues[0]?.message ?? "Invalid decision.", 400);
  const { decision, comment = "", grantMinutes = null, grantScope } = parsed.data;
  const reviewer = command.reviewer.email.trim();
  if (!UUID.test(command.requestId)) throw new ServiceError("There is no such approval request.", 404);

  const result = await db.transaction(async (tx) => {
    const [found] = await tx
      .select({ request: approvalRequests, isExpired: sql<boolean>`${approvalRequests.expiresAt} <= now()` })
      .from(approvalRequests)
      .where(eq(approvalRequests.id, command.requestId))
      .for("update");
    if (!found) throw new ServiceError("There is no such approval request.", 404);
    const request = found.request;
    if (request.status !== "pending") throw new ServiceError(`This request is already ${request.status.replace("_", " ")}.`, 409);
    if (found.isExpired) return { kind: "expired" as const, request: await expire(tx, request, reviewer) };
    const party = partyRefusal(request, [reviewer, ...(command.reviewer.aliases ?? [])], decision);
    if (party) throw new ServiceError(party, 403);
    if (!request.reviewerGroups.some((g) => command.reviewer.groups.includes(g))) {
      throw new ServiceError(`Only members of ${request.reviewerGroups.join(", ")} can decide on this request.`, 403);
    }
    const votes = await tx.select().from(approvalDecisions).where(eq(approvalDecisions.requestId, request.id));
    if (votes.some((v) => v.reviewer.toLowerCase() === reviewer.toLowerCase())) throw new ServiceError("You have already decided on this request.", 409);
    if (grantMinutes && !request.allowGrants) throw new ServiceError("The rule that held this statement does not allow grants.", 400);
    if (grantMinutes && grantScope === "statement" && !statementDigestOf(request)) {
      throw new ServiceError("This statement cannot be granted exactly (a parameter was too long to keep, or its bytes were not text); approve it without a grant, or grant its shape.", 400);
    }

    const [vote] = await tx.insert(approvalDecisions).values({ requestId: request.id, reviewer, decision, comment, grantMinutes, grantScope }).returning();
    const approvals = [...votes, vote].filter((v) => v.decision === "approve");
    const isFinal = decision === "reject" || approvals.length >= request.minApprovals;
    let updated = request;
    if (isFinal) {
      const decided = decision === "reject" ? { by: reviewer, comment } : { by: approvals.map((v) => v.reviewer).join(", "), comment: approvals.map((v) => v.comment).filter(Boolean).join("; ") };
      const [row] = await tx
        .update(approvalRequests)
        .set({ status: decision === "reject" ? "rejected" : "approved", decidedAt: new Date(), decidedBy: decided.by, decisionComment: decided.comment || null })
        .where(eq(approvalRequests.id, request.id))
        .returning();
      updated = row ?? request;
    }
    await appendAuditEvent(tx, {
      actor: reviewer,
      action: !isFinal ? "approval.vote" : decision === "reject" ? "approval.reject" : "approval.approve",
      targetType: "approval_request",
      targetId: request.id,
      targetName: request.connectionName,
      before: { status: request.status, approvals: approvals.length - (decision === "approve" ? 1 : 0) },
      after: { status: updated.status, approvals: approvals.length, decision, comment, grantMinutes, grantScope: grantMinutes ? grantScope : null },
      details: { requester: request.requester, requesterMintedBy: request.requesterMintedBy, tokenId: request.tokenId, ruleId: request.ruleId, sql: request.sql.length > 2000 ? `${request.sql.slice(0, 2000)}…` : request.sql },
    });
    if (isFinal && decision === "approve") await grantIfAgreed(tx, updated, approvals, reviewer);
    await tx.execute(sql`select pg_notify(${STORE_CHANNELS.approvalDecided}, ${request.id})`);
    return { kind: "voted" as const, decided: isFinal ? updated : null, dto: await getApprovalRequest(tx, request.id) };
  });

  if (result.kind === "expired") {
    await sendApprovalWebhook("timed_out", result.request, options);
    throw new ServiceError("This request expired before anyone decided; the statement was not run.", 409);
  }
  if (result.decided) await sendApprovalWebhook(result.decided.status === "approved" ? "approved" : "rejected", result.decided, options);
  return result.dto;
}

/**
 * A grant needs every approving reviewer's agreement (each gave grantMinutes), so that one
 * reviewer's approval of a single statement never turns into a standing permission on its own;
 * it lasts as long as the shortest one offered, and covers the narrowest scope any of them chose:
 * the exact statement unless every one of them chose its shape.
 */
async function grantIfAgreed(tx: DbOrTx, request: ApprovalRequest, approvals: ApprovalDecision[], actor: string) {
  if (!request.allowGrants || !request.fingerprint || !request.connectionId) return;
  const minutes = approvals.map((v) => v.grantMinutes);
  if (minutes.some((m) => !m)) return;
  const shortest = Math.min(...(minutes as number[]));
  const scope: GrantScope = approvals.every((v) => v.grantScope === "fingerprint") ? "fingerprint" : "statement";
  const statementDigest = statementDigestOf(request);
  if (scope === "statement" && !statementDigest) return;
  const [grant] = await tx
    .insert(approvalGrants)
    .values({
      connectionId: request.connectionId,
      userName: request.requester,
      fingerprint: request.fingerprint,
      scope,
      statementDigest: scope === "statement" ? statementDigest : null,
      sqlSample: request.sql.length > 4000 ? `${request.sql.slice(0, 4000)}…` : request.sql,
      requestId: request.id,
      createdBy: approvals.map((v) => v.reviewer).join(", "),
      expiresAt: new Date(Date.now() + shortest * 60_000),
    })
    .returning();
  await appendAuditEvent(tx, {
    actor,
    action: "approval_grant.create",
    targetType: "approval_grant",
    targetId: grant.id,
    targetName: request.connectionName,
    after: { userName: grant.userName, scope: grant.scope, fingerprint: grant.fingerprint, minutes: shortest, expiresAt: grant.expiresAt.toISOString(), requestId: request.id },
  });
}

/** The request's statement can no longer run (its worker cancels it at expiry): record that instead of a vote. */
async function expire(tx: DbOrTx, request: ApprovalRequest, reviewer: string): Promise<ApprovalRequest> {
  const [row] = await tx
    .update(approvalRequests)
    .set({ status: "timed_out", decidedAt: new Date(), decisionComment: "Nobody decided before the request expired." })
    .where(eq(approvalRequests.id, request.id))
    .returning();
  await appendAuditEvent(tx, {
    actor: reviewer,
    action: "approval.timeout",
    targetType: "approval_request",
    targetId: request.id,
    targetName: request.connectionName,
    before: { status: "pending" },
    after: { status: "timed_out" },
  });
  await tx.execute(sql`select pg_notify(${STORE_CHANNELS.approvalDecided}, ${request.id})`);
  return row;
}

/** The digest of the exact statement, which the gateway wrote with the request (proxy/approvals/statement-digest.ts). */
function statementDigestOf(request: Pick<ApprovalRequest, "classification">): string | null {
  const digest = (request.classification as { statementDigest?: unknown } | null)?.statementDigest;
  return typeof digest === "string" && /^[0-9a-f]{64}$/.test(digest) ? digest : null;
}
