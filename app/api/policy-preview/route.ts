import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { ServiceError } from "@/lib/server/connections/service-error";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { previewPolicy } from "@/lib/server/policies/preview-policy";
import { policyPreviewInput } from "@/lib/shared/contracts/policies";
import { hasAnyRole } from "@/lib/shared/roles";

/**
 * Classifies SQL and evaluates the connection's policy for a given actor, and traces each result
 * column's lineage and mask on the target (described, never run); changes nothing. A draft masking
 * section (the policy editor's) is an admin's: only admins edit policies.
 */
export const POST = withRole(["admin", "reviewer"], (req, { user }) =>
  handle(async () => {
    const input = await parseBody(req, policyPreviewInput);
    if (input.masking !== undefined && !hasAnyRole(user.roles, ["admin"])) throw new ServiceError("Only admins preview a draft masking section.", 403);
    return NextResponse.json(await previewPolicy(getDb(), input, { secretKey: getConfig().WARDEN_SECRET_KEY }));
  }),
);
