import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { deleteConnection } from "@/lib/server/connections/delete-connection";
import { getConnectionWithActivity } from "@/lib/server/connections/list-connections";
import { ServiceError } from "@/lib/server/connections/service-error";
import { updateConnection } from "@/lib/server/connections/update-connection";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { updateConnectionInput } from "@/lib/shared/contracts/connections";

type Params = { id: string };

export const GET = withRole<Params>(["admin"], (_req, { params }) =>
  handle(async () => {
    const connection = await getConnectionWithActivity(getDb(), params.id);
    if (!connection) throw new ServiceError("This connection does not exist (any more).", 404);
    return NextResponse.json(connection);
  }),
);

export const PATCH = withRole<Params>(["admin"], (req, { user, params }) =>
  handle(async () => {
    const input = await parseBody(req, updateConnectionInput);
    return NextResponse.json(await updateConnection(getDb(), getConfig().WARDEN_SECRET_KEY, user.email, params.id, input));
  }),
);

export const DELETE = withRole<Params>(["admin"], (_req, { user, params }) =>
  handle(async () => {
    await deleteConnection(getDb(), user.email, params.id);
    return new NextResponse(null, { status: 204 });
  }),
);
