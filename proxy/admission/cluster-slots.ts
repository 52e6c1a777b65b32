import type { Worker } from "node:cluster";
import type { ConnectionSlots } from "./connection-slots";
import type { SlotLedger } from "./slot-ledger";

/** Worker -> primary: take a place (answered with the same id) or give one back. */
type SlotRequest = { type: "gateway-slot-take"; id: number } | { type: "gateway-slot-release" };
/** Primary -> worker. */
type SlotAnswer = { type: "gateway-slot-answer"; id: number; isGranted: boolean };

/** The IPC channel to the primary (a cluster worker's `process`). */
export type PrimaryChannel = {
  send?: (message: SlotRequest, sendHandle?: undefined, options?: undefined, callback?: (err: Error | null) => void) => boolean;
  on(event: "message", listener: (message: unknown) => void): unknown;
};

const isAnswer = (m: unknown): m is SlotAnswer => typeof m === "object" && m !== null && (m as { type?: unknown }).type === "gateway-slot-answer";
const isRequest = (m: unknown): m is SlotRequest =>
  typeof m === "object" && m !== null && ((m as { type?: unknown }).type === "gateway-slot-take" || (m as { type?: unknown }).type === "gateway-slot-release");

/**
 * A cluster worker's places, counted by the primary for the whole host: one IPC round trip per new
 * connection, which runs while the client is still sending its startup packet. Should the channel
 * be gone (the primary exiting, which ends this worker too), connections are let in rather than all
 * refused: the cap guards resources, it is not an access control.
 */
export function createClusterSlots(channel: PrimaryChannel): ConnectionSlots {
  let nextId = 1;
  const waiting = new Map<number, (isGranted: boolean) => void>();
  let isDetached = false;
  channel.on("message", (m) => {
    if (!isAnswer(m)) return;
    waiting.get(m.id)?.(m.isGranted);
    waiting.delete(m.id);
  });
  const send = (request: SlotRequest, onFailure: () => void) => {
    if (isDetached || !channel.send) return onFailure();
    try {
      channel.send(request, undefined, undefined, (err) => {
        if (err) onFailure();
      });
    } catch {
      onFailure();
    }
  };
  return {
    take: () =>
      new Promise<boolean>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        send({ type: "gateway-slot-take", id }, () => {
          isDetached = true;
          waiting.delete(id);
          resolve(true);
        });
      }),
    release: () => send({ type: "gateway-slot-release" }, () => {}),
  };
}

/** The primary's side: answers one worker's requests from the host's ledger. */
export function serveClusterSlots(worker: Worker, ledger: SlotLedger<Worker>): void {
  worker.on("message", (m: unknown) => {
    if (!isRequest(m)) return;
    if (m.type === "gateway-slot-release") return ledger.release(worker);
    const answer: SlotAnswer = { type: "gateway-slot-answer", id: m.id, isGranted: ledger.take(worker) };
    if (worker.isConnected()) worker.send(answer);
  });
  worker.on("exit", () => ledger.forget(worker));
}
