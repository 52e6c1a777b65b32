import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { listVisibleSessions } from "@/lib/server/sessions/list-visible-sessions";
import { ROLES } from "@/lib/shared/config";
import { sessionsQuery } from "@/lib/shared/contracts/sessions";

/** Every role may list sessions; the service narrows developers and reviewers to their own. */
export const GET = withRole(ROLES, (req, { user }) =>
  handle(async () => {
    const query = sessionsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await listVisibleSessions(getDb(), user, query));
  }),
);
