import { desc, sql } from "drizzle-orm";
import pg from "pg";
import { auditCheckpoints, auditEvents, type CheckpointGap } from "@/drizzle/schema";
import { AUDIT_CHAIN_LOCK, chainAuditEvents, EMPTY_CHAIN } from "@/lib/audit/append-event";
import type { Db, DbOrTx } from "@/lib/db/create-db";
import { isCheckpointSignatureValid, signCheckpoint } from "./checkpoint-signature";
import { firstKeptSeq, mergeGaps } from "./merge-gaps";
import { addDays, daysInDefaultPartition, ensureDayPartitions, listPartitions, PARTITIONED_TABLES, startOfUtcDay, type PartitionInfo } from "./partitions";

/** One retention runner per store at a time, across processes (the console's job, `warden retention`). */
export const RETENTION_LOCK = 7341010;
/** Partitions are kept ready for today and this many days ahead. */
export const DAYS_AHEAD = 7;
export const RETENTION_ACTOR = "system:retention";

export type DroppedPartition = { name: string; from: string | null; to: string | null; rows: number };
export type RetentionResult = {
  isDryRun: boolean;
  /** Another runner held the lock: nothing was done. */
  isBusy: boolean;
  cutoff: string;
  retentionDays: number;
  created: { name: string; movedRows: number }[];
  statements: { dropped: DroppedPartition[]; rows: number };
  auditEvents: { dropped: DroppedPartition[]; rows: number; seqRuns: CheckpointGap[]; checkpointId: number | null };
  sessionsDeleted: number;
  /** Audit partitions past the cutoff that were kept, and why (a sink has not delivered them; a bad checkpoint). */
  heldBack: { partition: string; reason: string }[];
  /** The retention.drop event's sequence number, when anything was dropped. */
  auditSeq: number | null;
};

export type RetentionOptions = { secretKey: Buffer; retentionDays: number; now?: Date; isDryRun?: boolean };

class DryRunRollback extends Error {}

/**
 * One retention pass, in one transaction: creates the daily partitions of today and the next
 * DAYS_AHEAD days (and of any day whose rows fell into a DEFAULT partition, moving them out), drops
 * the partitions of statements and audit events that lie wholly before now - retentionDays, deletes
 * sessions that ended before then and have no statements left, and appends a `retention.drop` event.
 *
 * Before audit partitions are dropped, a signed checkpoint records every run of sequence numbers
 * dropped so far and the hash each run ends with, so verification starts at the oldest kept event
 * and bridges the holes (occurred_at is not strictly monotonic in seq: a gateway's clock may put a
 * later event on an earlier day, so a drop can leave stragglers above the first kept event).
 *
 * Audit partitions go oldest first and stop at the first that holds an event an enabled, live sink
 * (event_sinks.delivered_seq) has not delivered: the rest stay until it catches up, so retention never
 * loses events on their way to a SIEM. A dead or disabled sink does not hold anything back.
 *
 * Lock order: the retention lock (try: a busy runner means nothing to do), then the audit chain lock
 * (so no event is appended between the checkpoint and the drop), then the tables' locks (DDL).
 * `isDryRun`: everything runs and is rolled back, so the result is exactly what a real run would do.
 */
export async function runRetention(db: Db, opts: RetentionOptions): Promise<RetentionResult> {
  let result: RetentionResult | undefined;
  try {
    await db.transaction(async (tx) => {
      result = await runInTransaction(tx, opts);
      if (opts.isDryRun && !result.isBusy) throw new DryRunRollback();
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  return result!;
}

async function runInTransaction(tx: DbOrTx, opts: RetentionOptions): Promise<RetentionResult> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.retentionDays * 86_400_000);
  const result: RetentionResult = {
    isDryRun: opts.isDryRun ?? false,
    isBusy: false,
    cutoff: cutoff.toISOString(),
    retentionDays: opts.retentionDays,
    created: [],
    statements: { dropped: [], rows: 0 },
    auditEvents: { dropped: [], rows: 0, seqRuns: [], checkpointId: null },
    sessionsDeleted: 0,
    heldBack: [],
    auditSeq: null,
  };
  const { rows: lock } = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK}) as locked`);
  if (!lock[0].locked) return { ...result, isBusy: true };
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  await tx.execute(sql`set local timezone = 'UTC'`);

  const today = startOfUtcDay(now);
  const coming = Array.from({ length: DAYS_AHEAD + 1 }, (_, i) => addDays(today, i));
  for (const target of Object.values(PARTITIONED_TABLES)) {
    const days = [...coming, ...(await daysInDefaultPartition(tx, target))];
    result.created.push(...(await ensureDayPartitions(tx, target, days)));
  }

  const expired = (parts: PartitionInfo[]) => parts.filter((p) => !p.isDefault && p.to !== null && p.to <= cutoff);

  for (const p of expired(await listPartitions(tx, PARTITIONED_TABLES.statements.table))) {
    const rows = await countRows(tx, p.name);
    result.statements.dropped.push(describe(p, rows));
    result.statements.rows += rows;
  }

  await planAuditDrop(tx, expired(await listPartitions(tx, PARTITIONED_TABLES.auditEvents.table)), result);
  if (result.auditEvents.dropped.length > 0) {
    const checkpoint = await writeCheckpoint(tx, opts.secretKey, now, result);
    if (checkpoint === null) result.auditEvents = { dropped: [], rows: 0, seqRuns: [], checkpointId: null };
    else result.auditEvents.checkpointId = checkpoint;
  }

  // The chain's head before the drop: the drop may take the newest events too, and the retention.drop
  // event must follow the real last event (the checkpoint bridges to it), not the last one left.
  const [head] = await tx.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  for (const p of [...result.statements.dropped, ...result.auditEvents.dropped]) await tx.execute(sql.raw(`drop table ${pg.escapeIdentifier(p.name)}`));

  const deleted = await tx.execute(sql`
    delete from sessions s where s.ended_at < ${cutoff.toISOString()}::timestamptz
    and not exists (select 1 from statements st where st.session_id = s.id)`);
  result.sessionsDeleted = deleted.rowCount ?? 0;

  const didSomething = result.statements.dropped.length + result.auditEvents.dropped.length + result.sessionsDeleted > 0;
  // A hold alone is not an event (it would repeat every hour until the sink catches up): the job logs it.
  if (didSomething) {
    const dropEvent = {
      actor: RETENTION_ACTOR,
      action: "retention.drop",
      targetType: "store",
      targetName: "retention",
      details: {
        retentionDays: opts.retentionDays,
        cutoff: result.cutoff,
        statements: result.statements,
        auditEvents: result.auditEvents,
        sessionsDeleted: result.sessionsDeleted,
        heldBack: result.heldBack,
      },
    };
    // Chained by hand after `head` (the chain lock is held since the start of the transaction).
    const [event] = await tx
      .insert(auditEvents)
      .values(chainAuditEvents([dropEvent], head ?? EMPTY_CHAIN))
      .returning({ seq: auditEvents.seq });
    result.auditSeq = event.seq;
  }
  return result;
}

/**
 * Chooses the audit partitions to drop, oldest first, stopping at the first one holding an event
 * some enabled, live sink has not delivered; fills in their row counts and dropped sequence runs.
 */
async function planAuditDrop(tx: DbOrTx, expired: PartitionInfo[], result: RetentionResult): Promise<void> {
  const { rows: sinkRows } = await tx.execute<{ delivered: string | null }>(sql`
    select min(delivered_seq)::text as delivered from event_sinks where is_enabled and state <> 'dead'`);
  const delivered = sinkRows[0]?.delivered === null || sinkRows[0]?.delivered === undefined ? null : Number(sinkRows[0].delivered);
  const q = pg.escapeIdentifier;
  const chosen: PartitionInfo[] = [];
  for (const p of expired) {
    const { rows } = await tx.execute<{ n: number; max_seq: string | null }>(sql.raw(`select count(*)::int as n, max(seq)::text as max_seq from ${q(p.name)}`));
    const maxSeq = rows[0].max_seq === null ? null : Number(rows[0].max_seq);
    if (delivered !== null && maxSeq !== null && maxSeq > delivered) {
      const reason = `an event sink has delivered events up to #${delivered} only; this partition holds events up to #${maxSeq}`;
      for (const held of expired.slice(expired.indexOf(p))) result.heldBack.push({ partition: held.name, reason });
      break;
    }
    chosen.push(p);
    result.auditEvents.dropped.push(describe(p, rows[0].n));
    result.auditEvents.rows += rows[0].n;
  }
  if (chosen.length === 0) return;
  // Gaps and islands: each run of consecutive sequence numbers in the dropped partitions, with the hash of its last event.
  const union = chosen.map((p) => `select seq, hash from ${q(p.name)}`).join(" union all ");
  const { rows: runs } = await tx.execute<{ from_seq: string; to_seq: string; link_hash: string }>(
    sql.raw(`select min(seq)::text as from_seq, max(seq)::text as to_seq, (array_agg(hash order by seq desc))[1] as link_hash
      from (select seq, hash, seq - row_number() over (order by seq) as run from (${union}) d) r group by run order by min(seq)`),
  );
  result.auditEvents.seqRuns = runs.map((r) => ({ fromSeq: Number(r.from_seq), toSeq: Number(r.to_seq), linkHash: r.link_hash }));
}

/**
 * Writes the cumulative checkpoint (the previous one's gaps merged with the runs dropped now). When the
 * newest checkpoint does not verify, nothing is dropped (null): building on it would launder it.
 */
async function writeCheckpoint(tx: DbOrTx, secretKey: Buffer, now: Date, result: RetentionResult): Promise<number | null> {
  const [previous] = await tx.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1);
  if (previous && !isCheckpointSignatureValid(secretKey, previous, previous.signature)) {
    for (const p of result.auditEvents.dropped) result.heldBack.push({ partition: p.name, reason: `the newest audit checkpoint (#${previous.id}) does not verify with this WARDEN_SECRET_KEY` });
    return null;
  }
  const gaps = mergeGaps(previous?.gaps ?? [], result.auditEvents.seqRuns);
  // Every day before the newest dropped partition's end is gone (they go oldest first).
  const droppedBefore = new Date(Math.max(...result.auditEvents.dropped.map((p) => (p.to ? Date.parse(p.to) : 0))));
  const content = { createdAt: now, droppedBefore, firstKeptSeq: firstKeptSeq(gaps), gaps };
  const [row] = await tx
    .insert(auditCheckpoints)
    .values({ ...content, signature: signCheckpoint(secretKey, content) })
    .returning({ id: auditCheckpoints.id });
  return row.id;
}

async function countRows(tx: DbOrTx, partition: string): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${pg.escapeIdentifier(partition)}`));
  return rows[0].n;
}

function describe(p: PartitionInfo, rows: number): DroppedPartition {
  return { name: p.name, from: p.from?.toISOString() ?? null, to: p.to?.toISOString() ?? null, rows };
}
