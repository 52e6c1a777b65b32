import { and, eq, sql } from "drizzle-orm";
import { approvalRequests, type ApprovalRequest } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS } from "@/lib/db/store-listener";

/**
 * Ends a request that nobody decided: it timed out, or its client cancelled or left. The UPDATE is
 * conditional on the request still pending, so when a reviewer's decision and the timeout (or two
 * workers) race, exactly one wins; null means someone else already closed it.
 */
export async function closeApprovalRequest(
  db: Db,
  id: string,
  status: "timed_out" | "withdrawn",
  opts: { actor: string; comment: string },
): Promise<ApprovalRequest | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(approvalRequests)
      .set({ status, decidedAt: new Date(), decisionComment: opts.comment })
      .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, "pending")))
      .returning();
    if (!row) return null;
    await appendAuditEvent(tx, {
      actor: opts.actor,
      action: status === "timed_out" ? "approval.timeout" : "approval.withdraw",
      targetType: "approval_request",
      targetId: row.id,
      targetName: row.connectionName,
      before: { status: "pending" },
      after: { status, comment: opts.comment },
    });
    await tx.execute(sql`select pg_notify(${STORE_CHANNELS.approvalDecided}, ${row.id})`);
    return row;
  });
}
