import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { revokeTokenAs } from "@/lib/server/tokens/revoke-token-as";
import { ROLES } from "@/lib/shared/config";
import type { TokenDto } from "@/lib/shared/contracts/tokens";

type Params = { id: string };

/** Revokes a token: its holder or an admin. Revoking twice is harmless. */
export const DELETE = withRole<Params>(ROLES, (_req, { user, params }) =>
  handle(async () => {
    const revoked: TokenDto = await revokeTokenAs(getDb(), user, params.id);
    return NextResponse.json(revoked);
  }),
);
