import { eq, sql } from "drizzle-orm";
import { connections, tokens, users, type Token } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { hashToken, isTokenShaped } from "./tokens";

export type LiveToken = Token & { connectionName: string };

/** Why a presented token may not sign in: `code` for the gateway's audit trail, `reason` in words. */
export type DeadTokenCode = "not_a_token" | "unknown" | "revoked" | "expired";

/** A token that may sign in now, or why not, in words the gateway and /api/mcp both show. */
export type LiveTokenLookup = { isLive: true; token: LiveToken } | { isLive: false; code: DeadTokenCode; reason: string };

/**
 * The one check of a presented Warden token: known (by its HMAC), not revoked, not expired. Who may
 * use it where (user name, connection scope, groups) is the caller's to judge; the gateway judges
 * that at sign-in for every client, the MCP endpoint's sessions included.
 */
export async function findLiveToken(db: Db, secretKey: Buffer, presented: string, now: number = Date.now()): Promise<LiveTokenLookup> {
  if (!isTokenShaped(presented)) return { isLive: false, code: "not_a_token", reason: "the password is not a Warden token" };
  const [row] = await db
    .select({ token: tokens, connectionName: connections.name })
    .from(tokens)
    .innerJoin(connections, eq(connections.id, tokens.connectionId))
    .where(eq(tokens.tokenHash, hashToken(secretKey, presented)))
    .limit(1);
  if (!row) return { isLive: false, code: "unknown", reason: "the Warden token is not known" };
  if (row.token.revokedAt) return { isLive: false, code: "revoked", reason: "the Warden token was revoked" };
  if (row.token.expiresAt.getTime() <= now) return { isLive: false, code: "expired", reason: `the Warden token expired at ${row.token.expiresAt.toISOString()}` };
  return { isLive: true, token: { ...row.token, connectionName: row.connectionName } };
}

/**
 * The groups the gateway judges a token's holder by: the user's row, kept current at every console
 * sign-in, when they have one; otherwise (a service account) the groups written on the token.
 */
export async function findHolderGroups(db: Db, token: Pick<Token, "userName" | "groups">): Promise<string[]> {
  const [user] = await db
    .select({ groups: users.groups })
    .from(users)
    .where(sql`lower(${users.email}) = ${token.userName.toLowerCase()}`)
    .limit(1);
  return user?.groups ?? token.groups;
}
