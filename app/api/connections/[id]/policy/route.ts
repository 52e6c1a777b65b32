import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { getCurrentPolicy } from "@/lib/server/policies/get-current-policy";
import { savePolicyVersion } from "@/lib/server/policies/save-policy-version";
import { savePolicyInput } from "@/lib/shared/contracts/policies";

type Params = { id: string };

/** The policy in force on the connection (its newest version, or the default). */
export const GET = withRole<Params>(["admin"], (_req, { params }) =>
  handle(async () => NextResponse.json(await getCurrentPolicy(getDb(), params.id), { headers: { "cache-control": "no-store" } })),
);

/** Saves the document as the next version; a bad document is a 400 with errors keyed by JSON path. */
export const POST = withRole<Params>(["admin"], (req, { user, params }) =>
  handle(async () => {
    const input = await parseBody(req, savePolicyInput);
    const saved = await savePolicyVersion(getDb(), user.email, params.id, input.document, input.comment, {
      baseVersion: input.baseVersion,
      confirmMatchAll: input.confirmMatchAll,
    });
    return NextResponse.json(saved, { status: 201 });
  }),
);
