import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { createSink } from "@/lib/server/sinks/create-sink";
import { listSinks } from "@/lib/server/sinks/list-sinks";
import { createEventSinkInput } from "@/lib/shared/contracts/event-sinks";

export const GET = withRole(["admin"], () => handle(async () => NextResponse.json(await listSinks(getDb()))));

export const POST = withRole(["admin"], (req, { user }) =>
  handle(async () => {
    const input = await parseBody(req, createEventSinkInput);
    return NextResponse.json(await createSink(getDb(), getConfig().WARDEN_SECRET_KEY, user.email, input), { status: 201 });
  }),
);
