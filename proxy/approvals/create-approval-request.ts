import { sql } from "drizzle-orm";
import { approvalRequests, type ApprovalRequest } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS } from "@/lib/db/store-listener";

export type NewApprovalRequest = typeof approvalRequests.$inferInsert & { id: string; expiresAt: Date };

/**
 * Stores a held statement's approval request, its audit event and the NOTIFY that puts it in every
 * console's inbox, in one transaction: reviewers never see a request that is not recorded, and a
 * recorded one always reaches them.
 */
export async function createApprovalRequest(db: Db, request: NewApprovalRequest): Promise<ApprovalRequest> {
  try {
    return await insertRequest(db, request);
  } catch (err) {
    // In async recording the session's own row may still be queued: keep the request, without the link.
    if (request.sessionId && isForeignKeyViolation(err)) return insertRequest(db, { ...request, sessionId: null });
    throw err;
  }
}

async function insertRequest(db: Db, request: NewApprovalRequest): Promise<ApprovalRequest> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(approvalRequests).values(request).returning();
    await appendAuditEvent(tx, {
      actor: row.requester,
      action: "approval.request",
      targetType: "approval_request",
      targetId: row.id,
      targetName: row.connectionName,
      details: {
        // The subject is the actor; the minter of its token is named beside it.
        requesterMintedBy: row.requesterMintedBy,
        tokenId: row.tokenId,
        sessionId: row.sessionId,
        statementId: row.statementId,
        ruleId: row.ruleId,
        reasons: row.reasons,
        reviewerGroups: row.reviewerGroups,
        expiresAt: row.expiresAt.toISOString(),
        sql: row.sql.length > 2000 ? `${row.sql.slice(0, 2000)}…` : row.sql,
      },
    });
    await tx.execute(sql`select pg_notify(${STORE_CHANNELS.approvalRequested}, ${row.id})`);
    return row;
  });
}

function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === "23503" || e?.cause?.code === "23503";
}
