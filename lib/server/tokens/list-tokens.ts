import "server-only";
import { and, desc, eq, gt, isNull, type SQL } from "drizzle-orm";
import { connections, tokens } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { TokenDto } from "@/lib/shared/contracts/tokens";
import { toTokenDto } from "./token-dto";

export type ListTokensFilter = { userName?: string; connectionId?: string; isActiveOnly?: boolean; limit?: number };

/** Tokens, newest first; never the token itself. */
export async function listTokens(db: Db, filter: ListTokensFilter = {}): Promise<TokenDto[]> {
  const where: SQL[] = [];
  if (filter.userName) where.push(eq(tokens.userName, filter.userName));
  if (filter.connectionId) where.push(eq(tokens.connectionId, filter.connectionId));
  if (filter.isActiveOnly) where.push(isNull(tokens.revokedAt), gt(tokens.expiresAt, new Date()));
  const rows = await db
    .select({ token: tokens, connectionName: connections.name })
    .from(tokens)
    .innerJoin(connections, eq(connections.id, tokens.connectionId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(tokens.createdAt))
    .limit(Math.min(filter.limit ?? 200, 1000));
  return rows.map((r) => toTokenDto(r.token, r.connectionName));
}
