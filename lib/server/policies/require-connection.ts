import "server-only";
import type { DbOrTx } from "@/lib/db/create-db";
import { ServiceError } from "../connections/service-error";
import { findConnectionRow } from "../connections/list-connections";

/** The catalog row a policy belongs to; a 404 the editor can show when it was deleted meanwhile. */
export async function requireConnection(db: DbOrTx, connectionId: string) {
  const row = await findConnectionRow(db, connectionId);
  if (!row) throw new ServiceError("This connection does not exist (any more).", 404);
  return row;
}
