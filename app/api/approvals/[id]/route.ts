import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getApprovalRequest } from "@/lib/server/approvals/get-approval-request";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";

/** One request with every reviewer's vote. */
export const GET = withRole<{ id: string }>(["reviewer", "admin"], (_req, { params }) =>
  handle(async () => NextResponse.json(await getApprovalRequest(getDb(), params.id), { headers: { "cache-control": "no-store" } })),
);
