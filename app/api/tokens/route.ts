import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { ServiceError } from "@/lib/server/connections/service-error";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { listTokenPage } from "@/lib/server/tokens/list-token-page";
import { mintToken } from "@/lib/server/tokens/mint-token";
import { ROLES } from "@/lib/shared/config";
import { createTokenRequest, tokensQuery } from "@/lib/shared/contracts/tokens";
import { hasAnyRole } from "@/lib/shared/roles";

/**
 * `?mine=1`: the caller's own tokens (any role). Without it: everyone's, for admins only. A page at a
 * time, newest first: `?cursor=` with the previous page's `nextCursor` gives the next.
 */
export const GET = withRole(ROLES, (req, { user }) =>
  handle(async () => {
    const q = tokensQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    if (!q.mine && !hasAnyRole(user.roles, ["admin"])) throw new ServiceError("Listing everyone's tokens needs the admin role; add ?mine=1 for your own.", 403);
    const page = await listTokenPage(getDb(), { userName: q.mine ? user.email : q.user, isActiveOnly: q.active === "1", limit: q.limit, cursor: q.cursor });
    return NextResponse.json(page);
  }),
);

/** Mints a token (for oneself; admins also for others). The token is in this answer only. */
export const POST = withRole(ROLES, (req, { user }) =>
  handle(async () => {
    const input = await parseBody(req, createTokenRequest);
    const created = await mintToken(getDb(), getConfig(), user, input);
    return NextResponse.json(created, { status: 201, headers: { "cache-control": "no-store" } });
  }),
);
