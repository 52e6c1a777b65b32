import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { endSession } from "@/lib/server/sessions/end-session";
import { END_SESSION_ROLES, endSessionInput } from "@/lib/shared/contracts/end-session";

type Params = { id: string };

/** An admin ends a live session, with a reason (recorded and audited; the gateway closes it). */
export const POST = withRole<Params>(END_SESSION_ROLES, (req, { user, params }) =>
  handle(async () => {
    const input = await parseBody(req, endSessionInput);
    return NextResponse.json(await endSession(getDb(), user, params.id, input));
  }),
);
