import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { getVisibleSession } from "@/lib/server/sessions/get-visible-session";
import { listStatementSummaries } from "@/lib/server/sessions/list-statement-summaries";
import { ROLES } from "@/lib/shared/config";
import { statementsQuery, type StatementPageDto } from "@/lib/shared/contracts/sessions";

type Params = { id: string };

/**
 * `?after=N&limit=M`: the player's pages and its live poll. The session is read before the statements,
 * so once it shows as ended, every outcome written with or before its end is in the same answer.
 */
export const GET = withRole<Params>(ROLES, (req, { user, params }) =>
  handle(async () => {
    const query = statementsQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    const db = getDb();
    const session = await getVisibleSession(db, user, params.id);
    const page = await listStatementSummaries(db, session.id, query);
    const body: StatementPageDto = { session, ...page };
    return NextResponse.json(body, { headers: { "cache-control": "no-store" } });
  }),
);
