import { desc, sql } from "drizzle-orm";
import { auditEvents } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import { GENESIS_HASH, hashEvent } from "./hash-chain";

export type NewAuditEvent = {
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  targetName?: string | null;
  before?: unknown;
  after?: unknown;
  details?: unknown;
};

/** Serialises appenders so sequence numbers stay gap-free and each hash links to the one before. */
const AUDIT_CHAIN_LOCK = 7341002;

/**
 * Appends events to the audit trail, in order. Call it inside the transaction that makes the change,
 * so the change and its record commit (or roll back) together. A batch takes the chain lock once,
 * which is how the gateway's group commit appends many sessions' events in one round trip.
 */
export async function appendAuditEvents(tx: DbOrTx, events: NewAuditEvent[]) {
  if (events.length === 0) return [];
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const occurredAt = new Date();
  const rows = events.map((event) => {
    seq += 1;
    const fields = {
      seq,
      occurredAt: occurredAt.toISOString(),
      actor: event.actor,
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId ?? null,
      targetName: event.targetName ?? null,
      before: event.before ?? null,
      after: event.after ?? null,
      details: event.details ?? null,
    };
    const hash = hashEvent(prevHash, fields);
    const row = { ...fields, occurredAt, prevHash, hash };
    prevHash = hash;
    return row;
  });
  return tx.insert(auditEvents).values(rows).returning();
}

export async function appendAuditEvent(tx: DbOrTx, event: NewAuditEvent) {
  const [row] = await appendAuditEvents(tx, [event]);
  return row;
}
