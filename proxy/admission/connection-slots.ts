import { SlotLedger } from "./slot-ledger";

/**
 * The places for client connections under GATEWAY_MAX_CONNECTIONS, as a worker sees them: counted
 * in this process (one worker), or by the cluster primary for every worker of the host
 * (cluster-slots.ts), so the cap is the host's total however node:cluster spreads connections.
 */
export type ConnectionSlots = {
  /** Asks for a place; true when the connection got one, to give back with `release()`. Never rejects. */
  take(): Promise<boolean>;
  release(): void;
};

/** Places counted in this process: the gateway runs as a single worker. */
export function createLocalSlots(max: number): ConnectionSlots {
  const ledger = new SlotLedger<"this worker">(max);
  return {
    take: () => Promise.resolve(ledger.take("this worker")),
    release: () => ledger.release("this worker"),
  };
}
