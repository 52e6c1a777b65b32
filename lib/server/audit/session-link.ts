import "server-only";
import { inArray, sql } from "drizzle-orm";
import { approvalRequests } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { AuditSessionLink, AuditStatementSummary } from "@/lib/shared/contracts/audit";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);
const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

type EventLike = { action: string; targetType: string; targetId: string | null; details: unknown };

/**
 * The session an event belongs to, and for a statement's event the statement: gateway.session.* and
 * gateway.statement events name the session as their target (a statement's number is in its details),
 * approval events name their request (resolved through `approvals`), and others may carry a sessionId.
 */
export function sessionLinkOf(event: EventLike, approvals: ReadonlyMap<string, AuditSessionLink>): AuditSessionLink | null {
  const details = asRecord(event.details);
  if (event.targetType === "session" && isUuid(event.targetId)) {
    const seq = event.action === "gateway.statement" && Number.isInteger(details.seq) ? (details.seq as number) : null;
    return { sessionId: event.targetId, seq };
  }
  if (event.targetType === "approval_request" && event.targetId) {
    const viaRequest = approvals.get(event.targetId);
    if (viaRequest) return viaRequest;
  }
  return isUuid(details.sessionId) ? { sessionId: details.sessionId, seq: null } : null;
}

/** What a statement's event shows inline: its SQL (as the chain recorded it) and the gateway's decision. */
export function statementSummaryOf(event: EventLike): AuditStatementSummary | null {
  const details = asRecord(event.details);
  if (typeof details.sql !== "string") return null;
  return {
    sql: details.sql,
    decision: typeof details.decision === "string" ? details.decision : null,
    status: typeof details.status === "string" ? details.status : null,
  };
}

/**
 * The sessions (and held statements' numbers) of the approval requests among `events`, in one read.
 * A held statement's number comes from its row, looked up by its session (indexed in every partition).
 */
export async function loadApprovalLinks(db: DbOrTx, events: readonly EventLike[]): Promise<Map<string, AuditSessionLink>> {
  const ids = [...new Set(events.filter((e) => e.targetType === "approval_request" && isUuid(e.targetId)).map((e) => e.targetId!))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: approvalRequests.id,
      sessionId: approvalRequests.sessionId,
      seq: sql<number | null>`(select s.seq from statements s where s.session_id = ${approvalRequests.sessionId} and s.id = ${approvalRequests.statementId} limit 1)`,
    })
    .from(approvalRequests)
    .where(inArray(approvalRequests.id, ids));
  return new Map(rows.filter((r) => r.sessionId).map((r) => [r.id, { sessionId: r.sessionId!, seq: r.seq === null ? null : Number(r.seq) }]));
}
