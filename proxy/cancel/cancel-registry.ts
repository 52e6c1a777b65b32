import { randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/**
 * The BackendKeyData the gateway hands its clients, and the sessions behind them. A client's
 * CancelRequest names our key; the session then cancels its upstream backend with the upstream's
 * own key, which never leaves the gateway. A CancelRequest may reach any worker (a load balancer
 * picks one per connection): a key this worker did not issue is passed on to the others.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS
 */
export type Cancellable = { cancelUpstream(): Promise<void> };

/** Hands a CancelRequest this worker cannot place to the other workers (see cancel-broadcast.ts). */
export type PassCancelOn = (processId: number, secretKey: Buffer) => Promise<void>;

export const CANCEL_OUTCOMES = { cancelled: "cancelled", passedOn: "passed_on", unknown: "unknown" } as const;
export type CancelOutcome = (typeof CANCEL_OUTCOMES)[keyof typeof CANCEL_OUTCOMES];

export class CancelRegistry {
  private readonly byProcessId = new Map<number, { secretKey: Buffer; target: Cancellable }>();

  constructor(private readonly passOn?: PassCancelOn) {}

  /** A fresh key: 4 bytes in protocol 3.0, 32 bytes in 3.2. */
  issue(target: Cancellable, keyBytes: 4 | 32): { processId: number; secretKey: Buffer } {
    let processId: number;
    do processId = randomInt(1, 2 ** 31 - 1);
    while (this.byProcessId.has(processId));
    const secretKey = randomBytes(keyBytes);
    this.byProcessId.set(processId, { secretKey, target });
    return { processId, secretKey };
  }

  release(processId: number): void {
    this.byProcessId.delete(processId);
  }

  /** The session a CancelRequest names, if the key matches; undefined otherwise (ignored, as PostgreSQL does). */
  find(processId: number, secretKey: Buffer): Cancellable | undefined {
    return this.findMatching(processId, (key) => key.length === secretKey.length && timingSafeEqual(key, secretKey));
  }

  /** The session with this process id whose secret key passes `isKey` (a cancel passed on by another worker). */
  findMatching(processId: number, isKey: (secretKey: Buffer) => boolean): Cancellable | undefined {
    const entry = this.byProcessId.get(processId);
    return entry && isKey(entry.secretKey) ? entry.target : undefined;
  }

  /**
   * Acts on a client's CancelRequest: cancels our own session's upstream query, or passes the
   * request on to the other workers when the key is not ours (a random process id may also repeat
   * across workers, so a known id with another key is passed on too).
   */
  async cancel(processId: number, secretKey: Buffer): Promise<CancelOutcome> {
    const target = this.find(processId, secretKey);
    if (target) {
      await target.cancelUpstream();
      return CANCEL_OUTCOMES.cancelled;
    }
    if (!this.passOn) return CANCEL_OUTCOMES.unknown;
    await this.passOn(processId, secretKey);
    return CANCEL_OUTCOMES.passedOn;
  }
}
