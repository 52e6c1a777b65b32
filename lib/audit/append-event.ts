import { desc, sql } from "drizzle-orm";
import { auditEvents } from "@/drizzle/schema";
import type { DbOrTx } from "@/lib/db/create-db";
import type { AuditEventDto } from "@/lib/shared/contracts/audit";
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

/** The last event of the trail: the next event gets `seq + 1` and links to `hash`. */
export type ChainHead = { seq: number; hash: string };
export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** An event ready to insert: the fields the console shows (and the hash covers), its place in the chain and its hash. */
export type ChainedAuditRow = Omit<AuditEventDto, "occurredAt"> & { occurredAt: Date; prevHash: string; hash: string };

/**
 * Serialises appenders so sequence numbers stay gap-free and each hash links to the one before:
 * console writers hold it (waiting for it) until their transaction commits; the chainer only tries it.
 */
export const AUDIT_CHAIN_LOCK = 7341002;

/**
 * Numbers and hashes events after `head`, in order. Pure: the caller must hold the chain lock (or
 * otherwise make sure `head` is still the last event when the rows are inserted). An event without
 * its own `occurredAt` gets `occurredAt`.
 */
export function chainAuditEvents(events: (NewAuditEvent & { occurredAt?: Date })[], head: ChainHead, occurredAt = new Date()): ChainedAuditRow[] {
  let seq = head.seq;
  let prevHash = head.hash;
  const rows: ChainedAuditRow[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    seq += 1;
    const at = event.occurredAt ?? occurredAt;
    const fields: AuditEventDto = {
      seq,
      occurredAt: at.toISOString(),
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
    rows[i] = { ...fields, occurredAt: at, prevHash, hash };
    prevHash = hash;
  }
  return rows;
}

/**
 * Appends events to the audit trail, in order. Call it inside the transaction that makes the change,
 * so the change and its record commit (or roll back) together. A batch takes the chain lock once,
 * and holds it until the transaction ends. (The gateway does not append here: it writes its events
 * unchained, and the chainer appends them under the same lock: ./chain-waiting-events.ts.)
 */
export async function appendAuditEvents(tx: DbOrTx, events: NewAuditEvent[]) {
  if (events.length === 0) return [];
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return tx
    .insert(auditEvents)
    .values(chainAuditEvents(events, last ?? EMPTY_CHAIN))
    .returning();
}

export async function appendAuditEvent(tx: DbOrTx, event: NewAuditEvent) {
  const [row] = await appendAuditEvents(tx, [event]);
  return row;
}
