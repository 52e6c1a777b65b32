import { NextResponse } from "next/server";
import { verifyAuditTrail } from "@/lib/server/audit/verify-audit-trail";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";

/** POST: checks the whole kept audit trail now (it reads every event, so it is an action, not a GET). */
export const POST = withRole(["admin", "auditor"], () => handle(async () => NextResponse.json(await verifyAuditTrail(getDb(), getConfig().WARDEN_SECRET_KEY))));
