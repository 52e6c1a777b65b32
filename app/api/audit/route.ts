import { NextResponse } from "next/server";
import { listAuditEvents } from "@/lib/server/audit/list-audit-events";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";

export const GET = withRole(["admin", "auditor"], (req) =>
  handle(async () => {
    const params = Object.fromEntries(new URL(req.url).searchParams);
    return NextResponse.json(await listAuditEvents(getDb(), params));
  }),
);
