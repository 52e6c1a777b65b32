import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ApprovalDetail } from "@/components/inbox/approval-detail";
import { getApprovalRequest } from "@/lib/server/approvals/get-approval-request";
import { requirePageRole } from "@/lib/server/auth/guards";
import { ServiceError } from "@/lib/server/connections/service-error";
import { getDb } from "@/lib/server/db";

export const metadata: Metadata = { title: "Approval request" };

type ApprovalPageProps = { params: Promise<{ id: string }> };

/** Where the gateway's notice to a waiting client links. */
export default async function ApprovalPage({ params }: ApprovalPageProps) {
  const { id } = await params;
  const user = await requirePageRole(["reviewer", "admin"], `/approvals/${id}`);
  // Loaded here so an unknown id is a real 404 before any client code runs.
  const request = await getApprovalRequest(getDb(), id).catch((err: unknown) => {
    if (err instanceof ServiceError && err.status === 404) notFound();
    throw err;
  });
  return <ApprovalDetail initialRequest={request} reviewer={{ email: user.email, groups: user.groups }} />;
}
