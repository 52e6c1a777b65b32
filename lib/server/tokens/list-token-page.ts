import "server-only";
import { and, desc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import { connections, tokens } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { TokenPageDto } from "@/lib/shared/contracts/tokens";
import { decodeTokenCursor, encodeTokenCursor } from "./token-cursor";
import { toTokenDto } from "./token-dto";

export type ListTokenPageFilter = { userName?: string; isActiveOnly?: boolean; limit: number; cursor?: string };

/**
 * One page of tokens, newest first, with keyset paging on (created_at, id): stable while tokens are
 * minted meanwhile, and every token reachable however many there are. Never the token itself.
 */
export async function listTokenPage(db: Db, filter: ListTokenPageFilter): Promise<TokenPageDto> {
  const where: SQL[] = [];
  if (filter.userName) where.push(eq(tokens.userName, filter.userName));
  if (filter.isActiveOnly) where.push(isNull(tokens.revokedAt), gt(tokens.expiresAt, new Date()));
  const cursor = filter.cursor ? decodeTokenCursor(filter.cursor) : null;
  // A row comparison, so (created_at, id) sorts as one key; the cursor's time is PostgreSQL's own text.
  if (cursor) where.push(sql`(${tokens.createdAt}, ${tokens.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
  const rows = await db
    .select({ token: tokens, connectionName: connections.name, createdAtText: sql<string>`${tokens.createdAt}::text` })
    .from(tokens)
    .innerJoin(connections, eq(connections.id, tokens.connectionId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(tokens.createdAt), desc(tokens.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    tokens: page.map((r) => toTokenDto(r.token, r.connectionName)),
    nextCursor: rows.length > filter.limit && last ? encodeTokenCursor({ createdAt: last.createdAtText, id: last.token.id }) : null,
  };
}
