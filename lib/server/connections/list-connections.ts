import "server-only";
import { asc, eq } from "drizzle-orm";
import { connections } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { toConnectionDto } from "./connection-dto";

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
