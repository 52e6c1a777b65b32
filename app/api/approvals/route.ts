import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { listApprovalRequests } from "@/lib/server/approvals/list-approval-requests";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { approvalsQuery } from "@/lib/shared/contracts/approvals";

/** `?status=pending|decided|all&limit&cursor`: the inbox's lists and the nav badge's count. */
export const GET = withRole(["reviewer", "admin"], (req) =>
  handle(async () => {
    const query = approvalsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await listApprovalRequests(getDb(), query), { headers: { "cache-control": "no-store" } });
  }),
);
