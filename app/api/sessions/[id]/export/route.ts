import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { exportSession } from "@/lib/server/sessions/export-session";
import { getVisibleSession } from "@/lib/server/sessions/get-visible-session";
import { ROLES } from "@/lib/shared/config";

type Params = { id: string };

/** The whole session as a JSON download. The visibility check comes first, and also keeps exportSession's "last" alias out of reach. */
export const GET = withRole<Params>(ROLES, (_req, { user, params }) =>
  handle(async () => {
    const db = getDb();
    const session = await getVisibleSession(db, user, params.id);
    const exported = await exportSession(db, session.id);
    return new NextResponse(JSON.stringify(exported, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="warden-session-${session.id}.json"`,
        "cache-control": "no-store",
      },
    });
  }),
);
