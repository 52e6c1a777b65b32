import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { ServiceError } from "@/lib/server/connections/service-error";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { deleteSink } from "@/lib/server/sinks/delete-sink";
import { getSink } from "@/lib/server/sinks/list-sinks";
import { updateSink } from "@/lib/server/sinks/update-sink";
import { updateEventSinkInput } from "@/lib/shared/contracts/event-sinks";

type Params = { id: string };

export const GET = withRole<Params>(["admin"], (_req, { params }) =>
  handle(async () => {
    const sink = await getSink(getDb(), params.id);
    if (!sink) throw new ServiceError("This event sink does not exist (any more).", 404);
    return NextResponse.json(sink);
  }),
);

export const PATCH = withRole<Params>(["admin"], (req, { user, params }) =>
  handle(async () => {
    const input = await parseBody(req, updateEventSinkInput);
    return NextResponse.json(await updateSink(getDb(), getConfig().WARDEN_SECRET_KEY, user.email, params.id, input));
  }),
);

export const DELETE = withRole<Params>(["admin"], (_req, { user, params }) =>
  handle(async () => {
    await deleteSink(getDb(), user.email, params.id);
    return new NextResponse(null, { status: 204 });
  }),
);
