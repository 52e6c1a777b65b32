import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS, type StoreListener } from "@/lib/db/store-listener";
import type { Logger } from "../log";
import type { CancelRegistry, PassCancelOn } from "./cancel-registry";
import { cancelSigningKey, decodeCancelSignal, encodeCancelSignal, isSignalForKey } from "./cancel-signal";

/**
 * CancelRequests across workers. The worker a CancelRequest reaches publishes it on the store
 * (NOTIFY warden_cancel_requested, signed: see cancel-signal.ts); every worker LISTENs on its one
 * store listener, and the one that issued the key cancels its session's upstream query. Delivery is
 * best effort, as a CancelRequest is in PostgreSQL itself: the client gets no answer either way.
 */

/** Genuine cancels are rare; a flood of made-up keys must not turn into a flood of NOTIFYs. */
const DEFAULT_MAX_PER_SECOND = 50;

export function createCancelPublisher(deps: { db: Db; secretKey: Buffer; log: Logger; maxPerSecond?: number }): PassCancelOn {
  const signingKey = cancelSigningKey(deps.secretKey);
  const maxPerSecond = deps.maxPerSecond ?? DEFAULT_MAX_PER_SECOND;
  let windowStart = 0;
  let sentInWindow = 0;
  return async (processId, secretKey) => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      if (sentInWindow > maxPerSecond) deps.log.warn("cancel requests for unknown keys dropped", { dropped: sentInWindow - maxPerSecond });
      windowStart = now;
      sentInWindow = 0;
    }
    if (++sentInWindow > maxPerSecond) return;
    await deps.db.$client.query("select pg_notify($1, $2)", [STORE_CHANNELS.cancelRequested, encodeCancelSignal(signingKey, processId, secretKey, now)]);
  };
}

/** Cancels this worker's sessions named by other workers' signals; returns the unsubscribe. */
export function listenForCancels(deps: { listener: StoreListener; registry: CancelRegistry; secretKey: Buffer; log: Logger }): () => void {
  const signingKey = cancelSigningKey(deps.secretKey);
  return deps.listener.on(STORE_CHANNELS.cancelRequested, (payload) => {
    const signal = decodeCancelSignal(payload);
    if (!signal) return;
    const target = deps.registry.findMatching(signal.processId, (key) => isSignalForKey(signingKey, signal, key));
    if (!target) return;
    deps.log.info("cancel request passed on by another worker");
    target.cancelUpstream().catch((err) => deps.log.warn("cancel request could not be forwarded", { error: (err as Error).message }));
  });
}
