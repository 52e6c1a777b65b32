import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { searchStatements } from "@/lib/server/sessions/search-statements";
import { ROLES } from "@/lib/shared/config";
import { statementSearchQuery } from "@/lib/shared/contracts/statement-search";

/** Search what was run (`?q=pg_read_file`). Every role may search; the service narrows developers and reviewers to their own sessions. */
export const GET = withRole(ROLES, (req, { user }) =>
  handle(async () => {
    const query = statementSearchQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await searchStatements(getDb(), user, query));
  }),
);
