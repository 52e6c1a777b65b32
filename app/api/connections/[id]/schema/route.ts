import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { browseSchema } from "@/lib/server/connections/browse-schema";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";

export const GET = withRole<{ id: string }>(["admin"], (_req, { params }) =>
  handle(async () => NextResponse.json(await browseSchema(getDb(), getConfig().WARDEN_SECRET_KEY, params.id))),
);
