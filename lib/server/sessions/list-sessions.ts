import "server-only";
import { and, desc, eq, gt, gte, lt, lte, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { ACTOR_KINDS, sessions } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { toSessionDto } from "./session-dto";

export const listSessionsFilter = z.object({
  userName: z.string().trim().min(1).optional(),
  actorKind: z.enum(ACTOR_KINDS).optional(),
  connectionId: z.string().uuid().optional(),
  connectionName: z.string().trim().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  hasErrors: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).default(50),
  /** From a previous page's `nextCursor`. */
  cursor: z.string().optional(),
});
export type ListSessionsFilter = z.input<typeof listSessionsFilter>;

/**
 * Sessions, newest first, with filters and keyset paging (stable while new sessions arrive). Each
 * filter has an index on (column, started_at) so a page stays fast however many sessions there are.
 */
export async function listSessions(db: Db, input: ListSessionsFilter = {}): Promise<{ sessions: SessionDto[]; nextCursor: string | null }> {
  const f = listSessionsFilter.parse(input);
  const where: SQL[] = [];
  if (f.userName) where.push(eq(sessions.userName, f.userName));
  if (f.actorKind) where.push(eq(sessions.actorKind, f.actorKind));
  if (f.connectionId) where.push(eq(sessions.connectionId, f.connectionId));
  if (f.connectionName) where.push(eq(sessions.connectionName, f.connectionName));
  if (f.from) where.push(gte(sessions.startedAt, f.from));
  if (f.to) where.push(lte(sessions.startedAt, f.to));
  if (f.hasErrors === true) where.push(gt(sessions.errorCount, 0));
  if (f.hasErrors === false) where.push(eq(sessions.errorCount, 0));
  const cursor = f.cursor ? decodeCursor(f.cursor) : null;
  if (cursor) where.push(or(lt(sessions.startedAt, cursor.startedAt), and(eq(sessions.startedAt, cursor.startedAt), lt(sessions.id, cursor.id)))!);
  const rows = await db
    .select()
    .from(sessions)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(sessions.startedAt), desc(sessions.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { sessions: page.map(toSessionDto), nextCursor: rows.length > f.limit && last ? encodeCursor(last.startedAt, last.id) : null };
}

function encodeCursor(startedAt: Date, id: string): string {
  return Buffer.from(`${startedAt.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const startedAt = new Date(at);
  return Number.isNaN(startedAt.getTime()) || !id ? null : { startedAt, id };
}
