import { z } from "zod";
import type { Role } from "../roles";

/** Only admins may end someone's live session from the console. */
export const END_SESSION_ROLES = ["admin"] as const satisfies readonly Role[];

/** `POST /api/sessions/:id/end`: why the admin ends it (required; the client reads it in the error, the audit trail keeps it). */
export const endSessionInput = z.object({
  reason: z.string().trim().min(1, "Say why you end this session.").max(500, "Keep the reason under 500 characters."),
});
export type EndSessionInput = z.input<typeof endSessionInput>;
