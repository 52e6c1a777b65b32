import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { getActivityOverview } from "@/lib/server/overview/get-activity-overview";
import { ROLES } from "@/lib/shared/config";

/** Every role may read the Overview; the service narrows developers to their own activity and the counters to admins and auditors. */
export const GET = withRole(ROLES, (_req, { user }) =>
  handle(async () => NextResponse.json(await getActivityOverview(getDb(), user), { headers: { "cache-control": "no-store" } })),
);
