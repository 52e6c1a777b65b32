import "server-only";
import { eq } from "drizzle-orm";
import { trustedIssuers } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";

export type TrustedIssuerInput = { issuer: string; audience: string; userClaim?: string; groupsClaim?: string };

/**
 * Makes the gateway accept JWTs from `issuer` (for `audience`) as passwords. Used by the launcher to
 * trust its own identity provider, so people can sign in to the gateway with their SSO ID token.
 * Idempotent; a change is audited.
 */
export async function ensureTrustedIssuer(db: Db, actor: string, input: TrustedIssuerInput) {
  const wanted = { audience: input.audience, userClaim: input.userClaim ?? "email", groupsClaim: input.groupsClaim ?? "groups" };
  await db.transaction(async (tx) => {
    const [existing] = await tx.select().from(trustedIssuers).where(eq(trustedIssuers.issuer, input.issuer));
    if (existing && existing.audience === wanted.audience && existing.userClaim === wanted.userClaim && existing.groupsClaim === wanted.groupsClaim && existing.isEnabled) {
      return;
    }
    const [row] = existing
      ? await tx.update(trustedIssuers).set({ ...wanted, isEnabled: true, updatedAt: new Date() }).where(eq(trustedIssuers.id, existing.id)).returning()
      : await tx.insert(trustedIssuers).values({ issuer: input.issuer, ...wanted, createdBy: actor }).returning();
    await appendAuditEvent(tx, {
      actor,
      action: existing ? "trusted_issuer.update" : "trusted_issuer.create",
      targetType: "trusted_issuer",
      targetId: row.id,
      targetName: row.issuer,
      before: existing ? { audience: existing.audience, userClaim: existing.userClaim, groupsClaim: existing.groupsClaim, isEnabled: existing.isEnabled } : null,
      after: wanted,
    });
  });
}
