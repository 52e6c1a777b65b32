import "server-only";
import { eq } from "drizzle-orm";
import { sessions } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { toSessionDto } from "./session-dto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One session by id (a primary-key read, cheap enough to repeat on every live poll); undefined when unknown. */
export async function findSession(db: DbOrTx, id: string): Promise<SessionDto | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
  return row ? toSessionDto(row) : undefined;
}
