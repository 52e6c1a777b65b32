import { NextResponse } from "next/server";
import { withRole } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { handle, parseBody } from "@/lib/server/http";
import { previewMasking } from "@/lib/server/policies/preview-masking";
import { maskingPreviewInput } from "@/lib/shared/contracts/policies";

/**
 * Sample rows of one table, masked on the server with the editor's DRAFT masking section; only
 * masked values are returned. Changes nothing; a draft with problems is a 400 with errors by path.
 */
export const POST = withRole<{ id: string }>(["admin"], (req, { params }) =>
  handle(async () => {
    const input = await parseBody(req, maskingPreviewInput);
    const preview = await previewMasking(getDb(), getConfig().WARDEN_SECRET_KEY, params.id, input);
    return NextResponse.json(preview, { headers: { "cache-control": "no-store" } });
  }),
);
