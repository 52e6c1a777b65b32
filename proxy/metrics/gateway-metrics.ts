import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { AttemptOutcome } from "../auth/sign-in-guard";
import { CounterCells } from "./counter-cells";
import { FastHistogram } from "./fast-histogram";

/**
 * The gateway's Prometheus metrics, one registry per process. The session, auth, recording, masking
 * and approvals code call the small functions below (one line each where they know a fact); the
 * metrics server (metrics-server.ts) renders the registry, or, under node:cluster, the primary sums
 * the workers' registries (cluster-metrics.ts). Names and labels are listed in the README ("Metrics").
 */
export const gatewayRegistry = new Registry();
collectDefaultMetrics({ register: gatewayRegistry, prefix: "warden_gateway_" });

const PREFIX = "warden_gateway_";

/** Seconds. The gateway's own share of a statement is sub-millisecond when all is well. */
const ADDED_LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds. What the database server takes: from a millisecond to long reports. */
const SERVER_TIME_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds. One group commit of the recorder: one round trip and a flush. */
const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const statements = new CounterCells(gatewayRegistry, `${PREFIX}statements_total`, "Statements judged by the gateway, by kind, decision (forward, block, hold) and actor kind (human, agent, service).", ["kind", "decision", "actor_kind"] as const);
export const signIns = new CounterCells(gatewayRegistry, `${PREFIX}sign_ins_total`, "Sign-in attempts by result: ok, throttled, unchecked, or the refusal's reason (token_unknown, token_expired, not_allowed, …).", ["result"] as const);
export const maskedValues = new CounterCells(gatewayRegistry, `${PREFIX}masked_values_total`, "Result values masked before they reached the client, by semantic type.", ["semantic_type"] as const);

export const addedLatency = new FastHistogram(gatewayRegistry, `${PREFIX}added_latency_seconds`, "Time from a statement's arrival to its forwarding to the server (classification, policy, recording in strict mode); held statements not included.", ADDED_LATENCY_BUCKETS);
export const serverTime = new FastHistogram(gatewayRegistry, `${PREFIX}server_time_seconds`, "Time from forwarding a statement to the server's last answer to it (statements.duration_ms).", SERVER_TIME_BUCKETS);
export const commitLatency = new FastHistogram(gatewayRegistry, `${PREFIX}recording_commit_seconds`, "Duration of each group commit of the recorder (one batch of records, one transaction).", COMMIT_BUCKETS);
const failedCommits = new CounterCells(gatewayRegistry, `${PREFIX}recording_commit_failures_total`, "Group commits that failed (the batch is retried).", [] as const);

/** What a running gateway tells the gauges, read at scrape time (nothing on the hot path). */
export type GatewayGauges = { connections(): number; recordingBacklog(): number };
const gateways = new Set<GatewayGauges>();
const approvalWaits = new Set<{ readonly waitingCount: number }>();

const sumOf = <T>(set: Set<T>, read: (t: T) => number) => {
  let n = 0;
  for (const t of set) n += read(t);
  return n;
};

new Gauge({
  name: `${PREFIX}connections_open`,
  help: "Client connections whose sockets are open (what GATEWAY_MAX_CONNECTIONS counts).",
  registers: [gatewayRegistry],
  collect() {
    this.set(sumOf(gateways, (g) => g.connections()));
  },
});
new Gauge({
  name: `${PREFIX}recording_backlog`,
  help: "Records queued or being committed by the recorder and not yet durable.",
  registers: [gatewayRegistry],
  collect() {
    this.set(sumOf(gateways, (g) => g.recordingBacklog()));
  },
});
new Gauge({
  name: `${PREFIX}approvals_waiting`,
  help: "Held statements waiting in this gateway for a reviewer's decision (the console's warden_approvals_pending is the store's count).",
  registers: [gatewayRegistry],
  collect() {
    this.set(sumOf(approvalWaits, (w) => w.waitingCount));
  },
});

/** A statement's decision, as its begin record says; a skipped statement (never run, after a refusal) is not counted. */
export function countStatement(kind: string, decision: string, actorKind: string, status: string): void {
  if (status !== "skipped") statements.cell(kind, decision, actorKind).n++;
}

/** Receive -> forward, for statements that were not held for a reviewer (a hold's wait is not the gateway's cost). */
export function observeAddedLatency(ms: number, decision: string): void {
  if (decision !== "hold") addedLatency.observe(ms / 1000);
}

/**
 * The server's time for a statement it answered (ok or error). A suspended portal is observed once it
 * completes; a statement whose session ended before the answer (unknown) has no server time.
 */
export function observeServerTime(ms: number | null, status: string): void {
  if (ms !== null && (status === "ok" || status === "error")) serverTime.observe(ms / 1000);
}

/** How a sign-in attempt ended (sign-in-guard.ts); a refused attempt counts under its reason. */
export function countSignIn(outcome: AttemptOutcome, isAdmitted: boolean): void {
  const result = outcome.kind === "signed_in" ? "ok" : outcome.kind === "unchecked" ? "unchecked" : isAdmitted ? outcome.reason : "throttled";
  signIns.cell(result).n++;
}

/** Wraps the recorder's batch writer: each call is one group commit. */
export function timeGroupCommits<A extends unknown[]>(write: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    const started = performance.now();
    try {
      await write(...args);
      commitLatency.observe((performance.now() - started) / 1000);
    } catch (err) {
      failedCommits.cell().n++;
      throw err;
    }
  };
}

/** A running gateway's gauges count from now until the returned function is called (its close). */
export function watchGateway(gauges: GatewayGauges): () => void {
  gateways.add(gauges);
  return () => void gateways.delete(gauges);
}

/** An approval waiter's held statements count until it closes. */
export function watchApprovalWaits(waiter: { readonly waitingCount: number }): () => void {
  approvalWaits.add(waiter);
  return () => void approvalWaits.delete(waiter);
}
