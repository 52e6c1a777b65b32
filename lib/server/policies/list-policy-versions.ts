import "server-only";
import { desc, eq } from "drizzle-orm";
import { policyVersions } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { PolicyVersionSummaryDto } from "@/lib/shared/contracts/policies";
import { toPolicyVersionSummaryDto } from "./policy-version-dto";
import { requireConnection } from "./require-connection";

/** Every saved version of a connection's policy, newest first, without the documents (the History list). */
export async function listPolicyVersions(db: DbOrTx, connectionId: string): Promise<PolicyVersionSummaryDto[]> {
  await requireConnection(db, connectionId);
  const rows = await db
    .select({ version: policyVersions.version, author: policyVersions.author, comment: policyVersions.comment, createdAt: policyVersions.createdAt })
    .from(policyVersions)
    .where(eq(policyVersions.connectionId, connectionId))
    .orderBy(desc(policyVersions.version));
  return rows.map(toPolicyVersionSummaryDto);
}
