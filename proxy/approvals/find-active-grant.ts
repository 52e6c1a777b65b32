import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { approvalGrants, type ApprovalGrant } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";

/** A grant that lets this user run statements of this shape on this connection without a new request. */
export async function findActiveGrant(db: Db, key: { connectionId: string; userName: string; fingerprint: string }): Promise<ApprovalGrant | null> {
  const [grant] = await db
    .select()
    .from(approvalGrants)
    .where(
      and(
        eq(approvalGrants.connectionId, key.connectionId),
        eq(approvalGrants.userName, key.userName),
        eq(approvalGrants.fingerprint, key.fingerprint),
        isNull(approvalGrants.revokedAt),
        // The store's clock, the same one the console's grant list goes by.
        gt(approvalGrants.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(approvalGrants.expiresAt))
    .limit(1);
  return grant ?? null;
}
