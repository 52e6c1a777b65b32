import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/create-db";
import { EVENT_SINK_STATES } from "@/drizzle/schema/event-sinks";
import type { EventSinkState } from "@/lib/shared/contracts/event-sinks";

/** What the console's /api/metrics reads from the store at each scrape. */
export type StoreMetrics = {
  approvals: {
    pending: number;
    /** Seconds since the oldest pending request was made; 0 when none is pending. */
    oldestPendingAgeSeconds: number;
    /** Requests a reviewer decided (approved or rejected) in the last 24 hours, and how long they took. */
    decidedLastDay: number;
    decisionSecondsMedian: number | null;
    decisionSecondsP90: number | null;
  };
  audit: { newestSeq: number; unchained: number };
  sinks: { name: string; state: EventSinkState; isEnabled: boolean; lagEvents: number; lastDeliveredAt: Date | null }[];
};

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Four small queries: the pending approvals use the partial index on pending requests; the decided
 * ones of the last day are few; the newest audit sequence is an index's last entry; event_sinks has
 * a row per sink. Time to decision is read from the store (created_at to decided_at), not counted in
 * the console process: decisions are made on any console or worker, and every scrape of any console
 * sees the same figures.
 */
export async function readStoreMetrics(db: Db): Promise<StoreMetrics> {
  const [approvals, decided, audit, sinks] = await Promise.all([
    db.execute(sql`
      select count(*) as pending, coalesce(extract(epoch from now() - min(created_at)), 0) as oldest
      from approval_requests where status = 'pending'`),
    db.execute(sql`
      select count(*) as decided,
             percentile_cont(0.5) within group (order by extract(epoch from decided_at - created_at)) as p50,
             percentile_cont(0.9) within group (order by extract(epoch from decided_at - created_at)) as p90
      from approval_requests
      where status in ('approved', 'rejected') and decided_at > now() - interval '24 hours'`),
    db.execute(sql`
      select (select max(seq) from audit_events) as newest, (select count(*) from unchained_audit_events) as unchained`),
    db.execute(sql`select name, state, is_enabled, delivered_seq, last_delivered_at from event_sinks order by name`),
  ]);
  const a = approvals.rows[0] ?? {};
  const d = decided.rows[0] ?? {};
  const newestSeq = num(audit.rows[0]?.newest);
  return {
    approvals: {
      pending: num(a.pending),
      oldestPendingAgeSeconds: Math.max(0, num(a.oldest)),
      decidedLastDay: num(d.decided),
      decisionSecondsMedian: numOrNull(d.p50),
      decisionSecondsP90: numOrNull(d.p90),
    },
    audit: { newestSeq, unchained: num(audit.rows[0]?.unchained) },
    sinks: sinks.rows.map((r) => ({
      name: String(r.name),
      state: (EVENT_SINK_STATES as readonly string[]).includes(String(r.state)) ? (r.state as EventSinkState) : "active",
      isEnabled: Boolean(r.is_enabled),
      lagEvents: Math.max(0, newestSeq - num(r.delivered_seq)),
      lastDeliveredAt: r.last_delivered_at ? new Date(r.last_delivered_at as string) : null,
    })),
  };
}
