import { NextResponse } from "next/server";
import { listGrants } from "@/lib/server/approvals/list-grants";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { grantsQuery } from "@/lib/shared/contracts/approvals";

/** Time-boxed grants, newest first; `?active=1` for those still in force. */
export const GET = withRole(["reviewer", "admin"], (req) =>
  handle(async () => {
    const query = grantsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await listGrants(getDb(), { activeOnly: query.active === "1" }), { headers: { "cache-control": "no-store" } });
  }),
);
