import "server-only";
import { and, eq } from "drizzle-orm";
import { statements } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { StatementDetailDto } from "@/lib/shared/contracts/sessions";
import { toStatementDto } from "./session-dto";

/** One statement of a session in full (SQL, parameters, outcome, recorded result); undefined when there is no such step. */
export async function getStatement(db: DbOrTx, sessionId: string, seq: number): Promise<StatementDetailDto | undefined> {
  if (!Number.isInteger(seq) || seq < 0 || seq > 2_147_483_647) return undefined;
  const [row] = await db
    .select()
    .from(statements)
    .where(and(eq(statements.sessionId, sessionId), eq(statements.seq, seq)))
    .limit(1);
  if (!row) return undefined;
  // Timestamps as ISO text like every other DTO field, whatever the shared mapper does with newer columns.
  return { ...toStatementDto(row), decidedAt: row.decidedAt?.toISOString() ?? null };
}
