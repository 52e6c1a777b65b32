import "server-only";
import { sql } from "drizzle-orm";
import { auditEvents } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";

/** The trail's last sequence number (0 when it is empty): what a sink has to reach to have no lag. */
export async function getNewestAuditSeq(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ seq: sql<string | null>`max(${auditEvents.seq})` }).from(auditEvents);
  return Number(row?.seq ?? 0);
}
