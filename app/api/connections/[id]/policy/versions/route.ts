import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { listPolicyVersions } from "@/lib/server/policies/list-policy-versions";

/** Every saved version, newest first, without documents. */
export const GET = withRole<{ id: string }>(["admin"], (_req, { params }) =>
  handle(async () => NextResponse.json(await listPolicyVersions(getDb(), params.id), { headers: { "cache-control": "no-store" } })),
);
