import "server-only";
import type { Token } from "@/drizzle/schema";
import type { TokenDto } from "@/lib/shared/contracts/tokens";

/** What lists show of a token: never the token or its hash. */
export function toTokenDto(t: Token, connectionName: string, now = new Date()): TokenDto {
  return {
    id: t.id,
    hint: t.hint,
    userName: t.userName,
    actorKind: t.actorKind,
    agentName: t.agentName,
    connectionId: t.connectionId,
    connectionName,
    groups: t.groups,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    revokedAt: t.revokedAt?.toISOString() ?? null,
    revokedBy: t.revokedBy,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    status: t.revokedAt ? "revoked" : t.expiresAt <= now ? "expired" : "active",
  };
}

/** Fields recorded in the audit trail for token changes. */
export function auditableToken(t: Token, connectionName: string) {
  return { id: t.id, hint: t.hint, userName: t.userName, actorKind: t.actorKind, agentName: t.agentName, connection: connectionName, groups: t.groups, expiresAt: t.expiresAt.toISOString() };
}
