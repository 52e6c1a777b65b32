import "server-only";
import type { ApprovalDecision, ApprovalGrant, ApprovalRequest } from "@/drizzle/schema";
import type { ApprovalGrantDto, ApprovalRequestDto, BlastRadiusDto } from "@/lib/shared/contracts/approvals";

export function toApprovalRequestDto(r: ApprovalRequest, votes: ApprovalDecision[], now = new Date()): ApprovalRequestDto {
  const classification = (r.classification ?? {}) as Partial<ApprovalRequestDto["classification"]>;
  return {
    id: r.id,
    connectionId: r.connectionId,
    connectionName: r.connectionName,
    sessionId: r.sessionId,
    statementId: r.statementId,
    requester: r.requester,
    requesterMintedBy: r.requesterMintedBy,
    tokenId: r.tokenId,
    actorKind: r.actorKind,
    agentName: r.agentName,
    applicationName: r.applicationName,
    clientAddress: r.clientAddress,
    protocol: r.protocol,
    sql: r.sql,
    params: (r.params ?? null) as ApprovalRequestDto["params"],
    fingerprint: r.fingerprint,
    classification: { kind: classification.kind ?? "unknown", command: classification.command ?? "unknown", flags: classification.flags ?? [], relations: classification.relations ?? [] },
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    reasons: r.reasons,
    blastRadius: toBlastRadiusDto(r.blastRadius),
    reviewerGroups: r.reviewerGroups,
    minApprovals: r.minApprovals,
    approvalCount: votes.filter((v) => v.decision === "approve").length,
    allowGrants: r.allowGrants,
    status: effectiveStatus(r, now),
    gatewayInstance: r.gatewayInstance,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedBy,
    decisionComment: r.decisionComment,
    votes: votes
      .slice()
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((v) => ({ reviewer: v.reviewer, decision: v.decision, comment: v.comment, grantMinutes: v.grantMinutes, grantScope: v.grantScope, createdAt: v.createdAt.toISOString() })),
  };
}

/** The gateway's stored counts, read defensively: a malformed entry is left out rather than shown wrong. */
function toBlastRadiusDto(value: unknown): BlastRadiusDto | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Partial<BlastRadiusDto>;
  const num = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? n : 0);
  const tables = Array.isArray(v.tables)
    ? v.tables.filter((t) => t && typeof t.relation === "string").map((t) => ({ relation: t.relation, inserted: num(t.inserted), updated: num(t.updated), deleted: num(t.deleted), tableRows: num(t.tableRows), share: num(t.share) }))
    : [];
  const exclusiveLocks = Array.isArray(v.exclusiveLocks) ? v.exclusiveLocks.filter((l): l is string => typeof l === "string") : [];
  const limit = v.limit && typeof v.limit === "object" ? v.limit : null;
  return { tables, exclusiveLocks, limit };
}

/**
 * A pending request past its expiry is over, whether or not the worker that held its statement was
 * still there to close it (a worker that crashed cannot): nobody may approve it any more.
 */
export function effectiveStatus(r: Pick<ApprovalRequest, "status" | "expiresAt">, now = new Date()): ApprovalRequestDto["status"] {
  return r.status === "pending" && r.expiresAt <= now ? "timed_out" : r.status;
}

export function toGrantDto(g: ApprovalGrant, connectionName: string | null, now = new Date()): ApprovalGrantDto {
  return {
    id: g.id,
    connectionId: g.connectionId,
    connectionName,
    userName: g.userName,
    scope: g.scope,
    fingerprint: g.fingerprint,
    sqlSample: g.sqlSample,
    requestId: g.requestId,
    createdBy: g.createdBy,
    createdAt: g.createdAt.toISOString(),
    expiresAt: g.expiresAt.toISOString(),
    revokedAt: g.revokedAt?.toISOString() ?? null,
    revokedBy: g.revokedBy,
    status: g.revokedAt ? "revoked" : g.expiresAt <= now ? "expired" : "active",
  };
}
