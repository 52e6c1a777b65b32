import "server-only";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { approvalGrants, connections } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { ApprovalGrantDto } from "@/lib/shared/contracts/approvals";
import { toGrantDto } from "./approval-dto";

/** Grants newest first; `activeOnly`: neither revoked nor expired. */
export async function listGrants(db: Db, filter: { activeOnly?: boolean; limit?: number } = {}): Promise<ApprovalGrantDto[]> {
  const rows = await db
    .select({ grant: approvalGrants, connectionName: connections.name })
    .from(approvalGrants)
    .leftJoin(connections, eq(connections.id, approvalGrants.connectionId))
    .where(filter.activeOnly ? and(isNull(approvalGrants.revokedAt), gt(approvalGrants.expiresAt, sql`now()`)) : undefined)
    .orderBy(desc(approvalGrants.createdAt))
    .limit(Math.min(filter.limit ?? 200, 1000));
  const now = new Date();
  return rows.map((r) => toGrantDto(r.grant, r.connectionName, now));
}
