import "server-only";
import { eq } from "drizzle-orm";
import { approvalGrants, connections } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import type { ApprovalGrantDto } from "@/lib/shared/contracts/approvals";
import { ServiceError } from "../connections/service-error";
import { toGrantDto } from "./approval-dto";
import { UUID } from "./get-approval-request";

/**
 * Ends a grant at once: the gateway looks grants up for every statement it would hold, so the next
 * one is held again. Revoking a revoked grant changes nothing.
 */
export async function revokeGrant(db: Db, actor: string, grantId: string): Promise<ApprovalGrantDto> {
  if (!UUID.test(grantId)) throw new ServiceError("There is no such grant.", 404);
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ grant: approvalGrants, connectionName: connections.name })
      .from(approvalGrants)
      .leftJoin(connections, eq(connections.id, approvalGrants.connectionId))
      .where(eq(approvalGrants.id, grantId))
      .for("update", { of: approvalGrants });
    if (!found) throw new ServiceError("There is no such grant.", 404);
    if (found.grant.revokedAt) return toGrantDto(found.grant, found.connectionName);
    const [row] = await tx.update(approvalGrants).set({ revokedAt: new Date(), revokedBy: actor }).where(eq(approvalGrants.id, grantId)).returning();
    await appendAuditEvent(tx, {
      actor,
      action: "approval_grant.revoke",
      targetType: "approval_grant",
      targetId: row.id,
      targetName: found.connectionName,
      before: { userName: row.userName, fingerprint: row.fingerprint, expiresAt: row.expiresAt.toISOString() },
      after: { revokedAt: row.revokedAt!.toISOString() },
    });
    return toGrantDto(row, found.connectionName);
  });
}
