import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { previewPolicy } from "@/lib/server/policies/preview-policy";
import { policyPreviewInput } from "@/lib/shared/contracts/policies";

/**
 * Classifies SQL and evaluates the connection's policy for a given actor, and traces each result
 * column's lineage and mask on the target (described, never run); changes nothing.
 */
export const POST = withRole(["admin", "reviewer"], (req) =>
  handle(async () => {
    const input = await parseBody(req, policyPreviewInput);
    return NextResponse.json(await previewPolicy(getDb(), input, { secretKey: getConfig().WARDEN_SECRET_KEY }));
  }),
);
