import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/create-db";
import type { BlastRadiusRecord } from "@/lib/policy/blast-radius";
import type { ClassifiedStatement } from "@/lib/policy/classify-statement";
import type { ApprovalRule } from "@/lib/policy/policy-document";
import type { Decision, StatementContext } from "../hooks/gateway-hooks";
import { recordedStatementOf } from "../recording/recorded-statement";
import { decisionForOutcome } from "./approval-outcome";
import type { ApprovalWaiter } from "./approval-waiter";
import type { ApprovalWebhookSender } from "./approval-webhook-sender";
import { createApprovalRequest } from "./create-approval-request";
import { findActiveGrant } from "./find-active-grant";

export type HoldDeps = {
  db: Db;
  waiter: ApprovalWaiter;
  /** host:pid of this worker, stored on the request. */
  instance: string;
  publicUrl: string;
  sendWebhook: ApprovalWebhookSender;
};

/**
 * A statement an approval rule matched: it runs at once under an active grant for its shape;
 * otherwise its approval request is stored and the client is told, and the statement waits for
 * the decision (the relay keeps it, and everything the client sends after it, back).
 */
export async function holdStatement(ctx: StatementContext, statement: ClassifiedStatement, rule: ApprovalRule, reasons: string[], deps: HoldDeps, extra: { blastRadius?: BlastRadiusRecord } = {}): Promise<Decision> {
  const { session } = ctx;
  if (rule.allowGrants && statement.fingerprint) {
    const grant = await findActiveGrant(deps.db, { connectionId: session.connection.id, userName: session.userName, fingerprint: statement.fingerprint });
    if (grant) return { action: "forward", isPreApproved: true, reason: `approved in advance: grant ${grant.id} by ${grant.createdBy}, until ${grant.expiresAt.toISOString()}` };
  }

  const id = randomUUID();
  const recorded = recordedStatementOf(ctx);
  const expiresAt = new Date(Date.now() + rule.timeoutSeconds * 1000);
  const waiting = deps.waiter.expect(id, session.userName, expiresAt);
  let request;
  try {
    request = await createApprovalRequest(deps.db, {
      id,
      connectionId: session.connection.id,
      connectionName: session.connection.name,
      sessionId: session.id,
      statementId: ctx.statementId,
      requester: session.userName,
      actorKind: session.actorKind,
      agentName: session.agentName,
      applicationName: session.applicationName,
      clientAddress: session.clientAddress,
      protocol: ctx.protocol,
      // Passwords taken out, as in the statement's recording: the audit event, webhook and inbox read this row.
      sql: recorded.sql,
      params: recorded.params,
      fingerprint: statement.fingerprint,
      classification: { kind: statement.kind, command: statement.command, flags: statement.flags, relations: statement.relations },
      ruleId: rule.id,
      ruleName: rule.name,
      reasons,
      reviewerGroups: rule.reviewerGroups,
      minApprovals: rule.minApprovals,
      allowGrants: rule.allowGrants && Boolean(statement.fingerprint),
      gatewayInstance: deps.instance,
      blastRadius: extra.blastRadius ?? null,
      // Milliseconds, as JavaScript keeps them: the inbox pages on (created_at, id).
      createdAt: new Date(),
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
    notice: holdNotice(id, rule, reasons, deps.publicUrl),
    outcome: waiting.outcome.then((o) => decisionForOutcome(id, o)),
    withdraw: (why) => waiting.withdraw(why),
  };
}

/** What the client is told while its statement waits: which request, why, who decides, where to look. */
export function holdNotice(id: string, rule: ApprovalRule, reasons: string[], publicUrl: string): string {
  const minutes = Math.round(rule.timeoutSeconds / 60);
  const who = rule.minApprovals > 1 ? `${rule.minApprovals} reviewers` : "a reviewer";
  return (
    `Warden is holding this statement for approval request ${id} (${rule.name}: ${reasons.join("; ")}). ` +
    `It runs once ${who} from ${rule.reviewerGroups.join(", ")} approve${rule.minApprovals > 1 ? "" : "s"} it, and is cancelled after ${minutes} minute${minutes === 1 ? "" : "s"} without a decision. ` +
    `Review it at ${publicUrl}/approvals/${id}`
  );
}
