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

/** The last event of the trail: the next event gets `seq + 1` and links to `hash`. */
export type ChainHead = { seq: number; hash: string };
export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** An event ready to insert: its place in the chain and its hash. */
export type ChainedAuditRow = {
  seq: number;
  occurredAt: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
  prevHash: string;
  hash: string;
};

/** Serialises appenders so sequence numbers stay gap-free and each hash links to the one before. */
export const AUDIT_CHAIN_LOCK = 7341002;

/**
 * Numbers and hashes events after `head`, in order. Pure: the caller must hold the chain lock (or
 * otherwise make sure `head` is still the last event when the rows are inserted).
 */
export function chainAuditEvents(events: NewAuditEvent[], head: ChainHead, occurredAt = new Date()): ChainedAuditRow[] {
  let seq = head.seq;
  let prevHash = head.hash;
  const occurredAtIso = occurredAt.toISOString();
  const rows: ChainedAuditRow[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    seq += 1;
    const fields = {
      seq,
      occurredAt: occurredAtIso,
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
    rows[i] = { ...fields, occurredAt, prevHash, hash };
    prevHash = hash;
  }
  return rows;
}

/**
 * Appends events to the audit trail, in order. Call it inside the transaction that makes the change,
 * so the change and its record commit (or roll back) together. A batch takes the chain lock once.
 * (The gateway's recorder appends its events with its own one-statement write, under the same lock:
 * proxy/recording/write-record-batch.ts.)
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
