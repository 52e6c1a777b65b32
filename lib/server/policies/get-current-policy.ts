import "server-only";
import { desc, eq } from "drizzle-orm";
import { policyVersions } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { defaultPolicy } from "@/lib/policy/default-policy";
import type { CurrentPolicyDto } from "@/lib/shared/contracts/policies";
import { toPolicyVersionDto } from "./policy-version-dto";
import { requireConnection } from "./require-connection";

/**
 * The policy in force on a connection: its newest version, as the gateway's policy cache reads it. A
 * connection that predates policies has none saved and runs the default, shown here as version 0.
 */
export async function getCurrentPolicy(db: DbOrTx, connectionId: string): Promise<CurrentPolicyDto> {
  await requireConnection(db, connectionId);
  const [row] = await db.select().from(policyVersions).where(eq(policyVersions.connectionId, connectionId)).orderBy(desc(policyVersions.version)).limit(1);
  if (!row) return { connectionId, version: 0, document: defaultPolicy(), isDefault: true, author: null, comment: "", createdAt: null };
  const dto = toPolicyVersionDto(row);
  return { ...dto, isDefault: false };
}
