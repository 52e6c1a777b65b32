import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { restorePolicyVersion } from "@/lib/server/policies/restore-policy-version";
import { restorePolicyInput } from "@/lib/shared/contracts/policies";

/** Saves version N's document as the next version (never rewrites history); audited as policy.update. */
export const POST = withRole<{ id: string; version: string }>(["admin"], (req, { user, params }) =>
  handle(async () => {
    const input = await parseBody(req, restorePolicyInput);
    const saved = await restorePolicyVersion(getDb(), user.email, params.id, Number(params.version), input);
    return NextResponse.json(saved, { status: 201 });
  }),
);
