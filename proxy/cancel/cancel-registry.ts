import { randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/**
 * The BackendKeyData the gateway hands its clients, and the sessions behind them. A client's
 * CancelRequest names our key; the session then cancels its upstream backend with the upstream's
 * own key, which never leaves the gateway.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS
 */
export type Cancellable = { cancelUpstream(): Promise<void> };

export class CancelRegistry {
  private readonly byProcessId = new Map<number, { secretKey: Buffer; target: Cancellable }>();

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
    const entry = this.byProcessId.get(processId);
    if (!entry || entry.secretKey.length !== secretKey.length || !timingSafeEqual(entry.secretKey, secretKey)) return undefined;
    return entry.target;
  }
}
