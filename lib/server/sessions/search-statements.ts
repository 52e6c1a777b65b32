import "server-only";
import { and, desc, eq, gte, ilike, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { sessions, statements } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { containsPattern } from "@/lib/shared/highlight-matches";
import { statementSearchQuery, type StatementSearchPageDto, type StatementSearchQuery } from "@/lib/shared/contracts/statement-search";
import { canSeeAllSessions, type SessionViewer } from "./session-visibility";

/** How much SQL a result shows, and how much of it comes before the first match. */
export const SQL_EXCERPT_CHARS = 240;
const CHARS_BEFORE_MATCH = 60;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** received_at as PostgreSQL prints it (microseconds kept, unlike a JS Date), for the cursor. */
const PG_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d){0,2}$/;

/**
 * The query behind the search, unexecuted, so a test can EXPLAIN exactly what runs. `sql ILIKE
 * '%q%'` is answered by the trigram index statements_sql_trgm_idx (pg_trgm, three characters or
 * more) when the text is rare; when it is common, by walking received_at backwards and stopping at
 * the page's end. A time range prunes the day partitions. Developers and reviewers see only their
 * own sessions' statements, exactly as in the session list (session-visibility.ts).
 */
export function buildStatementSearch(db: DbOrTx, viewer: SessionViewer, query: StatementSearchQuery) {
  const q = statementSearchQuery.parse(query);
  const where: SQL[] = [ilike(statements.sql, containsPattern(q.q))];
  if (q.decision) where.push(eq(statements.decision, q.decision));
  if (q.kind) where.push(eq(statements.kind, q.kind));
  if (q.agent) where.push(ilike(sessions.agentName, containsPattern(q.agent)));
  if (!canSeeAllSessions(viewer.roles)) where.push(eq(sessions.userName, viewer.email));
  else if (q.user) where.push(ilike(sessions.userName, containsPattern(q.user)));
  if (q.from) where.push(gte(statements.receivedAt, new Date(q.from)));
  if (q.to) where.push(lte(statements.receivedAt, new Date(q.to)));
  const cursor = q.cursor ? decodeSearchCursor(q.cursor) : null;
  if (cursor) {
    const at = sql`${cursor.receivedAt}::timestamptz`;
    where.push(lte(statements.receivedAt, at), or(lt(statements.receivedAt, at), lt(statements.id, cursor.id))!);
  }
  // Where the first match starts (1-based; 0 when case folding differs from ILIKE's: the excerpt then starts at the beginning).
  const matchAt = sql`strpos(lower(${statements.sql}), lower(${q.q}::text))`;
  const excerptFrom = sql`greatest(${matchAt} - ${sql.raw(String(CHARS_BEFORE_MATCH))}, 1)`;
  return db
    .select({
      statementId: statements.id,
      sessionId: statements.sessionId,
      seq: statements.seq,
      receivedAt: statements.receivedAt,
      receivedAtKey: sql<string>`${statements.receivedAt}::text`,
      kind: statements.kind,
      decision: statements.decision,
      status: statements.status,
      excerpt: sql<string>`substr(${statements.sql}, ${excerptFrom}, ${sql.raw(String(SQL_EXCERPT_CHARS))})`,
      excerptFrom: sql<number>`${excerptFrom}`.mapWith(Number),
      sqlLength: sql<number>`char_length(${statements.sql})`.mapWith(Number),
      userName: sessions.userName,
      actorKind: sessions.actorKind,
      agentName: sessions.agentName,
      connectionName: sessions.connectionName,
    })
    .from(statements)
    .innerJoin(sessions, eq(sessions.id, statements.sessionId))
    .where(and(...where))
    .orderBy(desc(statements.receivedAt), desc(statements.id))
    .limit(q.limit + 1);
}

/** A page of matching statements, newest first, keyset-paged on (received_at, id). */
export async function searchStatements(db: DbOrTx, viewer: SessionViewer, query: StatementSearchQuery): Promise<StatementSearchPageDto> {
  const limit = statementSearchQuery.parse(query).limit;
  const rows = await buildStatementSearch(db, viewer, query);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    matches: page.map((r) => ({
      statementId: r.statementId,
      sessionId: r.sessionId,
      seq: r.seq,
      receivedAt: r.receivedAt.toISOString(),
      userName: r.userName,
      actorKind: r.actorKind,
      agentName: r.agentName,
      connectionName: r.connectionName,
      kind: r.kind,
      decision: r.decision,
      status: r.status,
      excerpt: r.excerpt,
      isCutBefore: r.excerptFrom > 1,
      isCutAfter: r.excerptFrom - 1 + SQL_EXCERPT_CHARS < r.sqlLength,
    })),
    nextCursor: rows.length > limit && last ? encodeSearchCursor(last.receivedAtKey, last.statementId) : null,
  };
}

function encodeSearchCursor(receivedAt: string, id: string): string {
  return Buffer.from(`${receivedAt}|${id}`).toString("base64url");
}

/** A hand-edited cursor would be a database error (500): a malformed one means "first page". */
function decodeSearchCursor(cursor: string): { receivedAt: string; id: string } | null {
  const [receivedAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  return receivedAt && id && PG_TIMESTAMP.test(receivedAt) && UUID.test(id) ? { receivedAt, id } : null;
}
