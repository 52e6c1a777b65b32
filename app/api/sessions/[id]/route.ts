import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { getVisibleSession } from "@/lib/server/sessions/get-visible-session";
import { ROLES } from "@/lib/shared/config";

type Params = { id: string };

export const GET = withRole<Params>(ROLES, (_req, { user, params }) => handle(async () => NextResponse.json(await getVisibleSession(getDb(), user, params.id))));
