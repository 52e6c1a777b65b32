import "server-only";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Db } from "@/lib/db/create-db";
import { EVENT_SINK_STATES } from "@/drizzle/schema/event-sinks";
import { readStoreMetrics, type StoreMetrics } from "./read-store-metrics";

/**
 * The console's Prometheus registry: its own process metrics (`warden_console_`), and figures read
 * from the store at each scrape (`warden_`): approvals pending and how long decisions take, the
 * audit trail's chainer backlog, and each event sink's lag. Read from the store, so every console
 * process and every scrape agrees; a store that does not answer shows as warden_store_up 0.
 */
export type ConsoleMetrics = {
  /** The process's registry (its content type is the response's). */
  registry: Registry;
  /** Every metric family this console exports (the dashboard's test checks its queries against them). */
  metricNames(): string[];
  render(db: Db): Promise<string>;
};

export function createConsoleMetrics(): ConsoleMetrics {
  // Two registries: the process's own (always rendered) and the store's figures, rendered only when
  // the store answered, so a figure the console could not read is absent rather than a false 0.
  const registry = new Registry();
  const store = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "warden_console_" });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [store] });

  const storeUp = new Gauge({ name: "warden_store_up", help: "1 when the store answered this scrape's queries, else 0 (and the store's figures are absent).", registers: [registry] });
  const pending = gauge("warden_approvals_pending", "Approval requests waiting for a reviewer (every gateway and console).");
  const oldest = gauge("warden_approvals_oldest_pending_age_seconds", "Age of the oldest pending approval request; 0 when none is pending.");
  const decided = gauge("warden_approvals_decided_24h", "Approval requests a reviewer approved or rejected in the last 24 hours.");
  const decision = gauge("warden_approval_decision_seconds", "Time from request to a reviewer's decision over the last 24 hours, as quantiles (0.5, 0.9) of the decided requests; absent when none was decided.", ["quantile"]);
  const newestSeq = gauge("warden_audit_newest_seq", "Sequence number of the newest event in the audit trail.");
  const unchained = gauge("warden_audit_unchained_events", "Gateway events waiting for the chainer to append them to the audit trail (unchained_audit_events).");
  const lag = gauge("warden_outbox_lag_events", "Audit events not yet delivered to the sink: the newest sequence number minus the sink's delivered_seq.", ["sink"]);
  const state = gauge("warden_outbox_sink_state", "1 for the sink's current delivery state (active, retrying, dead), 0 for the others.", ["sink", "state"]);
  const enabled = gauge("warden_outbox_sink_enabled", "1 when the sink is enabled, 0 when an admin turned it off.", ["sink"]);
  const lastDelivered = gauge("warden_outbox_last_delivered_timestamp_seconds", "When the sink last delivered an event (Unix seconds); absent until its first delivery.", ["sink"]);

  const apply = (m: StoreMetrics) => {
    // A sink deleted since the last scrape, or a quantile with nothing decided, is absent rather than stale.
    store.resetMetrics();
    pending.set(m.approvals.pending);
    oldest.set(m.approvals.oldestPendingAgeSeconds);
    decided.set(m.approvals.decidedLastDay);
    if (m.approvals.decisionSecondsMedian !== null) decision.set({ quantile: "0.5" }, m.approvals.decisionSecondsMedian);
    if (m.approvals.decisionSecondsP90 !== null) decision.set({ quantile: "0.9" }, m.approvals.decisionSecondsP90);
    newestSeq.set(m.audit.newestSeq);
    unchained.set(m.audit.unchained);
    for (const s of m.sinks) {
      lag.set({ sink: s.name }, s.lagEvents);
      enabled.set({ sink: s.name }, s.isEnabled ? 1 : 0);
      for (const st of EVENT_SINK_STATES) state.set({ sink: s.name, state: st }, s.state === st ? 1 : 0);
      if (s.lastDeliveredAt) lastDelivered.set({ sink: s.name }, s.lastDeliveredAt.getTime() / 1000);
    }
  };

  const renderOnce = async (db: Db) => {
    let isStoreUp = true;
    try {
      apply(await readStoreMetrics(db));
    } catch {
      isStoreUp = false;
    }
    storeUp.set(isStoreUp ? 1 : 0);
    const own = await registry.metrics();
    return isStoreUp ? own + (await store.metrics()) : own;
  };
  // One scrape at a time per process: the store's gauges are set from one reading and rendered together.
  let rendering: Promise<string> = Promise.resolve("");
  return {
    registry,
    metricNames: () => [...registry.getMetricsAsArray(), ...store.getMetricsAsArray()].map((m) => m.name),
    render: (db) => (rendering = rendering.then(() => renderOnce(db), () => renderOnce(db))),
  };
}

const globalForMetrics = globalThis as unknown as { wardenConsoleMetrics?: ConsoleMetrics };

/** The console process's one registry (kept across module reloads, so process metrics are collected once). */
export function getConsoleMetrics(): ConsoleMetrics {
  globalForMetrics.wardenConsoleMetrics ??= createConsoleMetrics();
  return globalForMetrics.wardenConsoleMetrics;
}
