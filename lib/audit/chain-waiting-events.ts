import type pg from "pg";
import { auditEvents } from "@/drizzle/schema";
import { insertFromRecordset } from "@/lib/db/jsonb-recordset";
import { AUDIT_CHAIN_LOCK, chainAuditEvents, EMPTY_CHAIN, type ChainedAuditRow, type ChainHead, type NewAuditEvent } from "./append-event";

/** What one pass did: events chained, or nothing because someone else holds the chain. */
export type ChainPass = { chained: number; isBusy: boolean };

/**
 * One pass of the chainer: moves up to `limit` waiting events (unchained_audit_events, oldest id
 * first) into the audit trail, numbered after its last event and hashed, in one transaction. The
 * gateway writes its events there without a lock so that recording never waits for the chain; this is
 * the one step that extends the chain for them.
 *
 * Only one pass runs at a time per store: it TRIES the chain lock (the lock console writers wait for,
 * so they and the chainer never interleave) and, when someone holds it, returns `isBusy` at once
 * rather than queue behind a console transaction or another worker's chainer; the caller tries again
 * later. Everything after the lock reads a snapshot taken after it was granted (read committed), so
 * the head it reads is the real last event.
 *
 * A statement's event is completed here from the statement's row and its session: actor, connection
 * name, and details (its number, protocol, kind, decision, the SQL's first 2,000 characters, SHA-256
 * of the whole SQL and of the parameters: computed by the store, not by the gateway's event loop).
 */
export async function chainWaitingAuditEvents(pool: pg.Pool, opts: { limit?: number } = {}): Promise<ChainPass> {
  const limit = opts.limit ?? 1000;
  const client = await pool.connect();
  let isBroken = false;
  try {
    const [, lock] = (await client.query(`begin; select pg_try_advisory_xact_lock(${AUDIT_CHAIN_LOCK}) as locked`)) as unknown as pg.QueryResult[];
    if (!lock.rows[0].locked) {
      await client.query("rollback");
      return { chained: 0, isBusy: true };
    }
    const taken = await client.query<WaitingEvent>({ name: TAKE_STATEMENT_NAME, text: TAKE_SQL, values: [limit] });
    if (taken.rows.length > 0) {
      const head = await client.query<{ seq: string; hash: string }>("select seq, hash from audit_events order by seq desc limit 1");
      const from: ChainHead = head.rows[0] ? { seq: Number(head.rows[0].seq), hash: head.rows[0].hash } : EMPTY_CHAIN;
      const rows = await chainInSlices(taken.rows, from);
      await client.query({ name: INSERT_STATEMENT_NAME, text: INSERT_SQL, values: [JSON.stringify(rows)] });
    }
    await client.query("commit");
    return { chained: taken.rows.length, isBusy: false };
  } catch (err) {
    await client.query("rollback").catch(() => {
      isBroken = true;
    });
    throw err;
  } finally {
    client.release(isBroken);
  }
}

/** How many events wait for the chainer. */
export async function countWaitingAuditEvents(pool: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from unchained_audit_events");
  return rows[0].n;
}

type WaitingEvent = NewAuditEvent & { occurredAt: Date };

/** Hashing costs microseconds an event: a gateway's event loop gets a turn between slices. */
const HASH_SLICE = 200;

async function chainInSlices(events: WaitingEvent[], head: ChainHead): Promise<ChainedAuditRow[]> {
  const rows: ChainedAuditRow[] = [];
  let from = head;
  for (let i = 0; i < events.length; i += HASH_SLICE) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    const slice = chainAuditEvents(events.slice(i, i + HASH_SLICE), from);
    rows.push(...slice);
    const last = slice[slice.length - 1];
    from = { seq: last.seq, hash: last.hash };
  }
  return rows;
}

/** Bump the versions when the texts change: a store connection keeps the old plan under the old name. */
const TAKE_STATEMENT_NAME = "warden_chain_take_v1";
const INSERT_STATEMENT_NAME = "warden_chain_insert_v1";

/**
 * Deletes the oldest waiting events and returns them ready to chain, in id order. A statement's row
 * may be gone (deleted with its session before its event was chained): its event then says what is
 * left of it (the statement's id, its status when recorded).
 */
const TAKE_SQL = `
with taken as (
  delete from unchained_audit_events
  where id in (select id from unchained_audit_events order by id limit $1)
  returning *
)
select
  t.occurred_at as "occurredAt",
  coalesce(t.actor, ss.user_name, 'unknown') as actor,
  t.action,
  t.target_type as "targetType",
  t.target_id as "targetId",
  coalesce(t.target_name, ss.connection_name) as "targetName",
  t.before,
  t.after,
  case when t.statement_id is null then t.details else
    jsonb_build_object(
      'statementId', t.statement_id,
      'seq', s.seq,
      'protocol', s.protocol,
      'kind', s.kind,
      'decision', s.decision,
      'sql', case when length(s.sql) > 2000 then left(s.sql, 2000) || '…' else s.sql end,
      'sqlSha256', encode(sha256(convert_to(s.sql, 'UTF8')), 'hex'),
      'paramsSha256', case when s.params is null then null else encode(sha256(convert_to(s.params::text, 'UTF8')), 'hex') end
    ) || coalesce(t.details, '{}'::jsonb)
  end as details
from taken t
left join statements s on s.id = t.statement_id
left join sessions ss on ss.id = s.session_id
order by t.id`;

const INSERT_SQL = insertFromRecordset(auditEvents, "$1");
