import type { AuditEvent } from "@/drizzle/schema";
import { GENESIS_HASH, hashEvent } from "@/lib/audit/hash-chain";
import type { AuditEventDto } from "@/lib/shared/contracts/audit";
import { mapEventToOcsf, type OcsfFields } from "./ocsf-mapping";

/**
 * The schema every event and batch names. A change a receiver could trip on (a renamed or removed
 * field, a different hash input) gets a new number; new optional fields do not.
 */
export const OUTBOX_SCHEMA = "warden.audit/1";

/**
 * One audit event as a receiver gets it. `event` is exactly the chained fields (AuditEventDto), so
 * `hash === sha256(prevHash + "\n" + canonicalJson(event))` (lib/audit/hash-chain.ts) and each
 * event's `prevHash` equals the previous event's `hash`. `seq` is the dedup key: delivery is at
 * least once. `ocsf` is a mapping for SIEMs, not covered by the hash.
 */
export type OutboxEvent = {
  schema: typeof OUTBOX_SCHEMA;
  seq: number;
  hash: string;
  prevHash: string;
  event: AuditEventDto;
  ocsf: OcsfFields;
  /** Only on "Send a test event": seq 0, never part of the chain. */
  isTest?: true;
};

/** What a webhook POSTs: the events of one delivery, in seq order. */
export type OutboxBatch = { schema: typeof OUTBOX_SCHEMA; events: OutboxEvent[] };

/** The chained fields of a stored row, as the hash saw them (occurredAt as its ISO text). */
export function toChainedFields(row: AuditEvent): AuditEventDto {
  return {
    seq: row.seq,
    occurredAt: row.occurredAt.toISOString(),
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetName: row.targetName,
    before: row.before ?? null,
    after: row.after ?? null,
    details: row.details ?? null,
  };
}

export function toOutboxEvent(row: AuditEvent): OutboxEvent {
  const event = toChainedFields(row);
  return { schema: OUTBOX_SCHEMA, seq: row.seq, hash: row.hash, prevHash: row.prevHash, event, ocsf: mapEventToOcsf(event) };
}

/**
 * The synthetic event "Send a test event" delivers: action `warden.sink.test`, seq 0 (real events
 * start at 1, so a receiver that dedups by seq never confuses it), `isTest: true`, hashed from the
 * genesis hash so a receiver's verification code can be tried on it too.
 */
export function buildTestEvent(sinkName: string | undefined, actor: string, at = new Date()): OutboxEvent {
  const event: AuditEventDto = {
    seq: 0,
    occurredAt: at.toISOString(),
    actor,
    action: "warden.sink.test",
    targetType: "event_sink",
    targetId: null,
    targetName: sinkName ?? null,
    before: null,
    after: null,
    details: { message: "A test event from Warden: this sink's settings work. It is not part of the audit trail." },
  };
  return { schema: OUTBOX_SCHEMA, seq: 0, hash: hashEvent(GENESIS_HASH, event), prevHash: GENESIS_HASH, event, ocsf: mapEventToOcsf(event), isTest: true };
}

/** One JSON line per event (file and stdout sinks). */
export function toJsonLine(event: OutboxEvent): string {
  return `${JSON.stringify(event)}\n`;
}
