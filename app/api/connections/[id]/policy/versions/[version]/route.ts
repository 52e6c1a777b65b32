import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { getPolicyVersion } from "@/lib/server/policies/get-policy-version";

/** One saved version with its document; versions never change, so the browser may keep it. */
export const GET = withRole<{ id: string; version: string }>(["admin"], (_req, { params }) =>
  handle(async () => NextResponse.json(await getPolicyVersion(getDb(), params.id, Number(params.version)), { headers: { "cache-control": "private, max-age=3600" } })),
);
