import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/create-db";
import type { BlastRadiusRecord } from "@/lib/policy/blast-radius";
import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import type { ApprovalRule } from "@/lib/policy/policy-document";
import type { Decision, StatementContext } from "../hooks/gateway-hooks";
import { recordedStatementOf } from "../recording/recorded-statement";
import { decisionForOutcome, describeTimeout } from "./approval-outcome";
import type { ApprovalWaiter } from "./approval-waiter";
import type { ApprovalWebhookSender } from "./approval-webhook-sender";
import { createApprovalRequest } from "./create-approval-request";
import { findActiveGrant } from "./find-active-grant";
import { statementDigestOf } from "./statement-digest";

export type HoldDeps = {
  db: Db;
  waiter: ApprovalWaiter;
  /** host:pid of this worker, stored on the request. */
  instance: string;
  publicUrl: string;
  sendWebhook: ApprovalWebhookSender;
};

/**
 * A statement an approval rule matched: it runs at once under an active grant for this exact
 * statement (or, where a reviewer chose so, for its shape); otherwise its approval request is
 * stored and the client is told, and the statement waits for the decision (the relay keeps it, and
 * everything the client sends after it, back).
 */
export async function holdStatement(ctx: StatementContext, statement: ClassifiedStatement, rule: ApprovalRule, reasons: string[], deps: HoldDeps, extra: { blastRadius?: BlastRadiusRecord } = {}): Promise<Decision> {
  const { session } = ctx;
  const statementDigest = statementDigestOf(ctx);
  if (rule.allowGrants && statement.fingerprint) {
    const grant = await findActiveGrant(deps.db, { connectionId: session.connection.id, userName: session.userName, fingerprint: statement.fingerprint, statementDigest });
    if (grant) {
      const covers = grant.scope === "statement" ? "this exact statement" : "every statement of this shape";
      return {
        action: "forward",
        // An exact grant: a reviewer saw this very statement, so the blast-radius guard does not
        // measure it again. A grant of a shape covers other literals (`v > -1` as well as `v > 5`): measured.
        isPreApproved: grant.scope === "statement",
        reason: `approved in advance: grant ${grant.id} (${covers}) by ${grant.createdBy}, until ${grant.expiresAt.toISOString()}`,
        notice: `Warden runs this statement without a new approval request: grant ${grant.id} by ${grant.createdBy} covers ${covers} until ${grant.expiresAt.toISOString()}.`,
      };
    }
  }

  const id = randomUUID();
  const recorded = recordedStatementOf(ctx);
  // Both ends from one clock: the request lasts exactly its rule's timeout (the store's now() could be a millisecond on).
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + rule.timeoutSeconds * 1000);
  const waiting = deps.waiter.expect(id, session.userName, expiresAt);
  let request;
  try {
    request = await createApprovalRequest(deps.db, {
      id,
      connectionId: session.connection.id,
      connectionName: session.connection.name,
      sessionId: session.id,
      statementId: ctx.statementId,
      // The subject, and who minted the token it signed in with: the reviewer may be neither.
      requester: session.userName,
      tokenId: session.tokenId ?? null,
      requesterMintedBy: session.tokenMintedBy ?? null,
      actorKind: session.actorKind,
      agentName: session.agentName,
      applicationName: session.applicationName,
      clientAddress: session.clientAddress,
      protocol: ctx.protocol,
      // Passwords taken out, as in the statement's recording: the audit event, webhook and inbox read this row.
      sql: recorded.sql,
      params: recorded.params,
      fingerprint: statement.fingerprint,
      // statementDigest: what a grant of scope `statement` is bound to, taken from the statement as
      // sent (the record's text and parameters may be redacted or cut). Never shown.
      classification: { kind: statement.kind, command: statement.command, flags: statement.flags, relations: statement.relations, statementDigest },
      ruleId: rule.id,
      ruleName: rule.name,
      reasons,
      reviewerGroups: rule.reviewerGroups,
      minApprovals: rule.minApprovals,
      allowGrants: rule.allowGrants && Boolean(statement.fingerprint),
      gatewayInstance: deps.instance,
      blastRadius: extra.blastRadius ?? null,
      // Milliseconds, as JavaScript keeps them: the inbox pages on (created_at, id).
      createdAt,
      expiresAt,
    });
  } catch (err) {
    waiting.abandon();
    throw err;
  }
  waiting.watch();
  deps.sendWebhook("requested", request);
  return {
    action: "hold",
    notice: holdNotice(id, rule, reasons, deps.publicUrl, { subject: session.userName, mintedBy: session.tokenMintedBy ?? null }),
    outcome: waiting.outcome.then((o) => decisionForOutcome(id, o)),
    withdraw: (why) => waiting.withdraw(why),
  };
}

/**
 * What the client is told while its statement waits: which request, why, who decides, where to look;
 * and, when the token was minted by someone other than its subject, both (neither may approve it).
 */
export function holdNotice(id: string, rule: ApprovalRule, reasons: string[], publicUrl: string, requester?: { subject: string; mintedBy: string | null }): string {
  const who = rule.minApprovals > 1 ? `${rule.minApprovals} reviewers` : "a reviewer";
  const mintedBy = requester?.mintedBy && requester.mintedBy.trim().toLowerCase() !== requester.subject.trim().toLowerCase() ? requester.mintedBy : null;
  return (
    `Warden is holding this statement for approval request ${id} (${rule.name}: ${reasons.join("; ")}). ` +
    `It runs once ${who} from ${rule.reviewerGroups.join(", ")} approve${rule.minApprovals > 1 ? "" : "s"} it, and is cancelled after ${describeTimeout(rule.timeoutSeconds)} without a decision. ` +
    (mintedBy ? `It runs as ${requester!.subject}, under a token minted by ${mintedBy}; neither may approve it. ` : "") +
    `Review it at ${publicUrl}/approvals/${id}`
  );
}
