import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { createConnection } from "@/lib/server/connections/create-connection";
import { listConnectionsWithActivity } from "@/lib/server/connections/list-connections";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { createConnectionInput } from "@/lib/shared/contracts/connections";

export const GET = withRole(["admin"], () => handle(async () => NextResponse.json(await listConnectionsWithActivity(getDb()))));

export const POST = withRole(["admin"], (req, { user }) =>
  handle(async () => {
    const input = await parseBody(req, createConnectionInput);
    const created = await createConnection(getDb(), getConfig().WARDEN_SECRET_KEY, user.email, input);
    return NextResponse.json(created, { status: 201 });
  }),
);
