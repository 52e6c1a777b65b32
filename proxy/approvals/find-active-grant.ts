import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { approvalGrants, type ApprovalGrant } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";

export type GrantKey = {
  connectionId: string;
  userName: string;
  fingerprint: string;
  /** statement-digest.ts; null when the statement is not held exactly, so only a shape grant can cover it. */
  statementDigest: string | null;
};

/**
 * A grant that lets this user run this statement on this connection without a new request: one of
 * scope `statement` for this exact text and parameters, or one of scope `fingerprint` (which the
 * reviewer chose explicitly) for any statement of its shape.
 */
export async function findActiveGrant(db: Db, key: GrantKey): Promise<ApprovalGrant | null> {
  const coversStatement = key.statementDigest
    ? or(eq(approvalGrants.scope, "fingerprint"), and(eq(approvalGrants.scope, "statement"), eq(approvalGrants.statementDigest, key.statementDigest)))
    : eq(approvalGrants.scope, "fingerprint");
  const [grant] = await db
    .select()
    .from(approvalGrants)
    .where(
      and(
        eq(approvalGrants.connectionId, key.connectionId),
        eq(approvalGrants.userName, key.userName),
        eq(approvalGrants.fingerprint, key.fingerprint),
        coversStatement,
        isNull(approvalGrants.revokedAt),
        // The store's clock, the same one the console's grant list goes by.
        gt(approvalGrants.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(approvalGrants.expiresAt))
    .limit(1);
  return grant ?? null;
}
