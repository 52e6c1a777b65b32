import "server-only";
import { asc, eq } from "drizzle-orm";
import { connections } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { ConnectionWithActivityDto } from "@/lib/shared/contracts/connections";
import { toConnectionDto } from "./connection-dto";
import { countConnectionSessions, NO_SESSIONS } from "./count-connection-sessions";

export async function listConnections(db: DbOrTx) {
  const rows = await db.select().from(connections).orderBy(asc(connections.name));
  return rows.map(toConnectionDto);
}

export async function findConnectionRow(db: DbOrTx, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(connections).where(eq(connections.id, id));
  return row;
}

export async function getConnection(db: DbOrTx, id: string) {
  const row = await findConnectionRow(db, id);
  return row ? toConnectionDto(row) : undefined;
}

/** The catalog page: every connection with its health and session counts. */
export async function listConnectionsWithActivity(db: DbOrTx): Promise<ConnectionWithActivityDto[]> {
  const list = await listConnections(db);
  const counts = await countConnectionSessions(db, list.map((c) => c.id));
  return list.map((c) => ({ ...c, sessionCounts: counts.get(c.id) ?? NO_SESSIONS }));
}

export async function getConnectionWithActivity(db: DbOrTx, id: string): Promise<ConnectionWithActivityDto | undefined> {
  const connection = await getConnection(db, id);
  if (!connection) return undefined;
  const counts = await countConnectionSessions(db, [id]);
  return { ...connection, sessionCounts: counts.get(id) ?? NO_SESSIONS };
}
