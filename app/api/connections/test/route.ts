import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { testConnection } from "@/lib/server/connections/test-connection";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { testConnectionInput } from "@/lib/shared/contracts/connections";

/** Tests a saved connection or an unsaved draft; the answer is a version or the exact error, never a secret. */
export const POST = withRole(["admin"], (req) =>
  handle(async () => {
    const input = await parseBody(req, testConnectionInput);
    return NextResponse.json(await testConnection(getDb(), getConfig().WARDEN_SECRET_KEY, input));
  }),
);
