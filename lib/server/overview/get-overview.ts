import "server-only";
import { gte } from "drizzle-orm";
import { auditEvents, connections, users } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";

export type OverviewDto = { connections: number; users: number; auditEventsToday: number };

export async function getOverview(db: DbOrTx): Promise<OverviewDto> {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const [c, u, a] = await Promise.all([db.$count(connections), db.$count(users), db.$count(auditEvents, gte(auditEvents.occurredAt, since))]);
  return { connections: c, users: u, auditEventsToday: a };
}
