import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { ServiceError } from "@/lib/server/connections/service-error";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { getStatement } from "@/lib/server/sessions/get-statement";
import { getVisibleSession } from "@/lib/server/sessions/get-visible-session";
import { ROLES } from "@/lib/shared/config";

type Params = { id: string; seq: string };

/** One statement in full, with its parameters and recorded result. */
export const GET = withRole<Params>(ROLES, (_req, { user, params }) =>
  handle(async () => {
    const db = getDb();
    const session = await getVisibleSession(db, user, params.id);
    const statement = /^\d{1,10}$/.test(params.seq) ? await getStatement(db, session.id, Number(params.seq)) : undefined;
    if (!statement) throw new ServiceError("This session has no such statement.", 404);
    return NextResponse.json(statement);
  }),
);
