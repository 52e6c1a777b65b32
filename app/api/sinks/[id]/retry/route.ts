import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { retryEventSink } from "@/lib/server/sinks/retry-sink";

type Params = { id: string };

/** Takes a dead (or waiting) sink back to delivery now, from the event after its cursor (audited). */
export const POST = withRole<Params>(["admin"], (_req, { user, params }) =>
  handle(async () => NextResponse.json(await retryEventSink(getDb(), user.email, params.id))),
);
