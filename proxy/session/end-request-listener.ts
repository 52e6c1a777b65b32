import { and, inArray, isNotNull, isNull } from "drizzle-orm";
import { sessions as sessionsTable } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import type { Logger } from "../log";
import { ClientError } from "../protocol/client-error";
import { SqlState } from "../protocol/sql-state";
import type { ClientSession } from "./client-session";
import { END_REASONS } from "./phases";

/**
 * Ends sessions an admin ended from the console. The console writes who, when and why on the session
 * row and NOTIFYs warden_session_end_requested with the session's id in the same transaction; every
 * worker LISTENs on its one store listener, and the worker holding that session reads the request
 * back from the row (the row, not the payload, is the authority: a NOTIFY anyone with store access
 * could send ends nothing without it) and closes the session with 57P01 and the admin's reason. After
 * the listener reconnects, notifications may have been missed: every live session is checked once.
 */
export function listenForEndRequests(deps: { db: Db; listener: StoreListener; sessions: ReadonlySet<ClientSession>; log: Logger }): () => void {
  const endRequested = async (ids: string[]) => {
    if (ids.length === 0) return;
    let rows: { id: string; by: string | null; reason: string | null }[];
    try {
      rows = await deps.db
        .select({ id: sessionsTable.id, by: sessionsTable.endRequestedBy, reason: sessionsTable.endRequestReason })
        .from(sessionsTable)
        .where(and(inArray(sessionsTable.id, ids), isNotNull(sessionsTable.endRequestedAt), isNull(sessionsTable.endedAt)));
    } catch (err) {
      deps.log.warn("end request could not be read", { error: (err as Error).message });
      return;
    }
    for (const row of rows) {
      const session = [...deps.sessions].find((s) => s.id === row.id);
      if (!session) continue;
      deps.log.info("session ended by an admin", { connection: session.id, by: row.by });
      const message = `terminating connection: terminated by an administrator${row.by ? ` (${row.by})` : ""}: ${row.reason ?? "no reason given"}`;
      session.close(END_REASONS.endedByAdmin, ClientError.fatal(SqlState.AdminShutdown, message));
    }
  };
  const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
  const stopListening = deps.listener.on(STORE_CHANNELS.sessionEndRequested, (payload) => {
    // Only a session of this worker is worth a read of the store.
    if (isUuid(payload) && [...deps.sessions].some((s) => s.id === payload)) void endRequested([payload]);
  });
  const stopReconnect = deps.listener.onReconnect(() => void endRequested([...deps.sessions].map((s) => s.id)));
  return () => {
    stopListening();
    stopReconnect();
  };
}
