import "server-only";
import { and, eq } from "drizzle-orm";
import { policyVersions } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { PolicyVersionDto } from "@/lib/shared/contracts/policies";
import { ServiceError } from "../connections/service-error";
import { toPolicyVersionDto } from "./policy-version-dto";
import { requireConnection } from "./require-connection";

/** One saved version with its document, for the History view's diff. */
export async function getPolicyVersion(db: DbOrTx, connectionId: string, version: number): Promise<PolicyVersionDto> {
  await requireConnection(db, connectionId);
  const [row] = Number.isInteger(version)
    ? await db
        .select()
        .from(policyVersions)
        .where(and(eq(policyVersions.connectionId, connectionId), eq(policyVersions.version, version)))
    : [];
  if (!row) throw new ServiceError(`This connection has no policy version ${version}.`, 404);
  return toPolicyVersionDto(row);
}
