import "server-only";
import { asc, eq } from "drizzle-orm";
import { eventSinks } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { getNewestAuditSeq } from "./newest-audit-seq";
import { toEventSinkDto } from "./sink-dto";

/** Every sink, console-made and environment-declared, with its lag behind the trail's newest event. */
export async function listSinks(db: DbOrTx): Promise<EventSinkDto[]> {
  const [rows, newestSeq] = await Promise.all([db.select().from(eventSinks).orderBy(asc(eventSinks.source), asc(eventSinks.name)), getNewestAuditSeq(db)]);
  return rows.map((row) => toEventSinkDto(row, newestSeq));
}

/** The row (with its ciphertext: server-side use only), or undefined for an unknown or malformed id. */
export async function findSinkRow(db: DbOrTx, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(eventSinks).where(eq(eventSinks.id, id));
  return row;
}

export async function getSink(db: DbOrTx, id: string): Promise<EventSinkDto | undefined> {
  const row = await findSinkRow(db, id);
  return row ? toEventSinkDto(row, await getNewestAuditSeq(db)) : undefined;
}

/** The row, locked until the transaction ends, so a concurrent edit waits rather than overwrites. */
export async function lockSinkRow(tx: DbOrTx, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await tx.select().from(eventSinks).where(eq(eventSinks.id, id)).for("update");
  return row;
}
