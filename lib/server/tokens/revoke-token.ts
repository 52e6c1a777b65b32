import "server-only";
import { eq } from "drizzle-orm";
import { connections, tokens } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { ServiceError } from "../connections/service-error";
import type { TokenDto } from "@/lib/shared/contracts/tokens";
import { auditableToken, toTokenDto } from "./token-dto";

/**
 * Revokes a token: new sign-ins with it fail at once, and gateway workers end its open sessions at
 * their next credential check (within a minute). Revoking a revoked token changes nothing.
 */
export async function revokeToken(db: Db, actor: string, tokenId: string): Promise<TokenDto> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({ token: tokens, connectionName: connections.name })
      .from(tokens)
      .innerJoin(connections, eq(connections.id, tokens.connectionId))
      .where(eq(tokens.id, tokenId))
      .for("update");
    if (!found) throw new ServiceError("There is no such token.", 404);
    if (found.token.revokedAt) return toTokenDto(found.token, found.connectionName);
    const [row] = await tx.update(tokens).set({ revokedAt: new Date(), revokedBy: actor }).where(eq(tokens.id, tokenId)).returning();
    await appendAuditEvent(tx, {
      actor,
      action: "token.revoke",
      targetType: "token",
      targetId: row.id,
      targetName: row.hint,
      before: auditableToken(found.token, found.connectionName),
      after: { ...auditableToken(row, found.connectionName), revokedAt: row.revokedAt!.toISOString() },
    });
    return toTokenDto(row, found.connectionName);
  });
}
