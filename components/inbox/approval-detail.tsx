"use client";

import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { DateTime } from "@/components/ui/date-time";
import { useIsClient } from "@/components/ui/use-is-client";
import { useApprovalRequest } from "@/lib/client/approvals";
import type { ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { ApprovalRequestCard } from "./approval-request-card";
import type { Reviewer } from "./decision-form";
import { LiveIndicator } from "./live-indicator";

/** One request, where the gateway's notice links: decide on it, or see how it was decided and by whom. */
export function ApprovalDetail({ initialRequest, reviewer }: { initialRequest: ApprovalRequestDto; reviewer: Reviewer }) {
  const { data: request = initialRequest, error } = useApprovalRequest(initialRequest.id, initialRequest);
  const isClient = useIsClient();
  return (
    <div className="max-w-4xl">
      <PageHeader
        back={{ href: "/approvals", label: "Approvals" }}
        title="Approval request"
        description={<span className="font-mono text-xs">{request.id}</span>}
        actions={<LiveIndicator />}
      />
      {error && (
        <Alert tone="warning" className="mb-5">
          {error.message}
        </Alert>
      )}
      <div className="space-y-5">
        <ApprovalRequestCard request={request} reviewer={reviewer} hasDetailLink={false} />
        <Card title="Votes" description={`${request.approvalCount} of ${request.minApprovals} approvals needed.`}>
          {request.votes.length === 0 ? (
            <p className="text-sm text-slate-500">No reviewer has voted yet.</p>
          ) : (
            <ol className="space-y-2">
              {request.votes.map((v) => (
                <li key={v.reviewer} className="text-sm text-slate-700">
                  <Badge tone={v.decision === "approve" ? "success" : "danger"}>{v.decision === "approve" ? "approved" : "rejected"}</Badge>{" "}
                  <span className="font-medium text-slate-900">{v.reviewer}</span> {isClient && <DateTime value={v.createdAt} isRelative />}
                  {v.grantMinutes && (
                    <span className="text-slate-500">
                      {" "}
                      · offered a {v.grantMinutes}-minute grant of {v.grantScope === "fingerprint" ? "every statement of this shape" : "this exact statement"}
                    </span>
                  )}
                  {v.comment && <p className="mt-0.5 pl-1 text-slate-600">“{v.comment}”</p>}
                </li>
              ))}
            </ol>
          )}
        </Card>
        {request.sessionId && (
          <p className="text-sm">
            <Link href={`/sessions/${request.sessionId}`} className="font-medium text-brand-700 hover:underline">
              Open the session this statement belongs to
            </Link>
          </p>
        )}
      </div>
    </div>
  );
}
