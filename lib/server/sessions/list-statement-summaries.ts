import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { statements } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { statementsQuery, type StatementSummaryDto, type StatementsQuery } from "@/lib/shared/contracts/sessions";

/** Enough of the SQL for one line of the list and a tooltip; the full text comes with the statement's detail. */
export const SQL_PREVIEW_CHARS = 300;

/**
 * A page of a session's statements in order, starting after sequence number `after`: the player's
 * initial load (page after page) and its live updates ("anything after the last one I have") are the
 * same keyset read on the (session_id, seq) index. Parameters and result rows are left out, and only
 * the start of the SQL is read, so a page of 1,000 stays small.
 */
export async function listStatementSummaries(db: DbOrTx, sessionId: string, query: StatementsQuery = {}): Promise<{ statements: StatementSummaryDto[]; hasMore: boolean }> {
  const q = statementsQuery.parse(query);
  const rows = await db
    .select({
      id: statements.id,
      seq: statements.seq,
      protocol: statements.protocol,
      sqlPreview: sql<string>`left(${statements.sql}, ${SQL_PREVIEW_CHARS}::int)`,
      sqlLength: sql<number>`char_length(${statements.sql})`,
      kind: statements.kind,
      command: statements.command,
      decision: statements.decision,
      status: statements.status,
      receivedAt: statements.receivedAt,
      finishedAt: statements.finishedAt,
      gatewayMs: statements.gatewayMs,
      durationMs: statements.durationMs,
      commandTag: statements.commandTag,
      rowCount: statements.rowCount,
      errorCode: statements.errorCode,
    })
    .from(statements)
    .where(and(eq(statements.sessionId, sessionId), gt(statements.seq, q.after)))
    .orderBy(asc(statements.seq))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    statements: page.map(({ sqlLength, receivedAt, finishedAt, ...s }) => ({
      ...s,
      isSqlTruncated: sqlLength > SQL_PREVIEW_CHARS,
      receivedAt: receivedAt.toISOString(),
      finishedAt: finishedAt?.toISOString() ?? null,
    })),
    hasMore: rows.length > q.limit,
  };
}
