import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { testSink } from "@/lib/server/sinks/test-sink";
import { testEventSinkInput } from "@/lib/shared/contracts/event-sinks";

/** Sends one test event to a saved sink or an unsaved draft; the answer says delivered or why not (audited). */
export const POST = withRole(["admin"], (req, { user }) =>
  handle(async () => {
    const input = await parseBody(req, testEventSinkInput);
    return NextResponse.json(await testSink(getDb(), getConfig().WARDEN_SECRET_KEY, user.email, input));
  }),
);
