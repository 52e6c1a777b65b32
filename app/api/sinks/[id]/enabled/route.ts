import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { setSinkEnabled } from "@/lib/server/sinks/set-sink-enabled";
import { setEventSinkEnabledInput } from "@/lib/shared/contracts/event-sinks";

type Params = { id: string };

/** Switches a console sink on or off (audited). */
export const PUT = withRole<Params>(["admin"], (req, { user, params }) =>
  handle(async () => {
    const { isEnabled } = await parseBody(req, setEventSinkEnabledInput);
    return NextResponse.json(await setSinkEnabled(getDb(), user.email, params.id, isEnabled));
  }),
);
