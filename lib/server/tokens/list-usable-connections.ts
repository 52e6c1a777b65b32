import "server-only";
import { arrayOverlaps, asc, sql } from "drizzle-orm";
import { connections, users } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { UsableConnectionDto } from "@/lib/shared/contracts/tokens";

/**
 * The connections a person may use through the gateway: those allowing one of their groups. The
 * groups come from their console user row, as createToken and the gateway's sign-in read them, so
 * the page never offers a connection the mint or the sign-in would then refuse.
 */
export async function listUsableConnections(db: DbOrTx, email: string): Promise<UsableConnectionDto[]> {
  const [user] = await db
    .select({ groups: users.groups })
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
    .limit(1);
  const groups = user?.groups ?? [];
  if (groups.length === 0) return [];
  return db
    .select({ id: connections.id, name: connections.name, description: connections.description })
    .from(connections)
    .where(arrayOverlaps(connections.allowedGroups, groups))
    .orderBy(asc(connections.name));
}
