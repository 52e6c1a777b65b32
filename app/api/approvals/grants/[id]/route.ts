import { NextResponse } from "next/server";
import { revokeGrant } from "@/lib/server/approvals/revoke-grant";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";

/** Ends a grant now: the next statement of its shape waits for a reviewer again. */
export const DELETE = withRole<{ id: string }>(["reviewer", "admin"], (_req, { user, params }) =>
  handle(async () => NextResponse.json(await revokeGrant(getDb(), user.email, params.id))),
);
