import "server-only";
import { asc, desc, eq } from "drizzle-orm";
import { sessions, statements } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { ServiceError } from "../connections/service-error";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { toSessionDto, toStatementDto, type StatementDto } from "./session-dto";

export type SessionExport = { exportedAt: string; session: SessionDto; statements: StatementDto[] };

/** A whole session with its statements (parameters, outcomes, recorded result rows), in order. `"last"` is the newest session. */
export async function exportSession(db: Db, id: string | "last"): Promise<SessionExport> {
  const [session] =
    id === "last"
      ? await db.select().from(sessions).orderBy(desc(sessions.startedAt)).limit(1)
      : /^[0-9a-f-]{36}$/i.test(id)
        ? await db.select().from(sessions).where(eq(sessions.id, id)).limit(1)
        : [];
  if (!session) throw new ServiceError(id === "last" ? "No sessions have been recorded yet." : `There is no session ${id}.`, 404);
  const rows = await db.select().from(statements).where(eq(statements.sessionId, session.id)).orderBy(asc(statements.seq));
  return { exportedAt: new Date().toISOString(), session: toSessionDto(session), statements: rows.map(toStatementDto) };
}
