import "server-only";
import { asc, eq } from "drizzle-orm";
import { approvalDecisions, approvalRequests } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { ServiceError } from "../connections/service-error";
import { toApprovalRequestDto } from "./approval-dto";

/** One request with every reviewer's vote; 404 when there is none. */
export async function getApprovalRequest(db: DbOrTx, id: string): Promise<ApprovalRequestDto> {
  if (!UUID.test(id)) throw new ServiceError("There is no such approval request.", 404);
  const [request] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, id));
  if (!request) throw new ServiceError("There is no such approval request.", 404);
  const votes = await db.select().from(approvalDecisions).where(eq(approvalDecisions.requestId, id)).orderBy(asc(approvalDecisions.createdAt));
  return toApprovalRequestDto(request, votes);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
