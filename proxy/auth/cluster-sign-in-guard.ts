import type { Worker } from "node:cluster";
import type { PrimaryChannel } from "../admission/cluster-slots";
import type { SignInFailure } from "./failure-digest";
import type { SettledAs, SignInDesk } from "./sign-in-desk";
import { createSignInGuard, localDeskPort, type DeskPort, type SignInGuard } from "./sign-in-guard";

/** Worker -> primary. */
type GuardRequest =
  | { type: "gateway-sign-in-admit"; id: number; key: string }
  | { type: "gateway-sign-in-settle"; id: number; key: string; outcome: SettledAs }
  | { type: "gateway-sign-in-failure"; failure: SignInFailure };
/** Primary -> worker. */
type GuardAnswer = { type: "gateway-sign-in-answer"; id: number; isAdmitted: boolean };

type Channel = {
  send?: (message: GuardRequest, sendHandle?: undefined, options?: undefined, callback?: (err: Error | null) => void) => boolean;
  on: PrimaryChannel["on"];
};

const typeOf = (m: unknown) => (typeof m === "object" && m !== null ? (m as { type?: unknown }).type : undefined);
const isAnswer = (m: unknown): m is GuardAnswer => typeOf(m) === "gateway-sign-in-answer";
const isRequest = (m: unknown): m is GuardRequest => {
  const t = typeOf(m);
  return t === "gateway-sign-in-admit" || t === "gateway-sign-in-settle" || t === "gateway-sign-in-failure";
};

/**
 * A cluster worker's guard: the primary counts every worker's attempts per address, so a client
 * cannot multiply its guesses by the number of workers, and sums their failures into one audit
 * event per address and minute. One IPC round trip per attempt. Should the channel be gone (the
 * primary exiting, which ends this worker too), the worker falls back to a desk of its own rather
 * than let passwords through unthrottled.
 */
export function createClusterSignInGuard(channel: PrimaryChannel, fallbackDesk: () => SignInDesk<number>): SignInGuard {
  const ipc = channel as Channel;
  let nextId = 1;
  const waiting = new Map<number, (isAdmitted: boolean) => void>();
  let desk: SignInDesk<number> | null = null;
  let local: DeskPort | null = null;
  const useLocal = () => (local ??= localDeskPort((desk = fallbackDesk())));
  ipc.on("message", (m) => {
    if (!isAnswer(m)) return;
    waiting.get(m.id)?.(m.isAdmitted);
    waiting.delete(m.id);
  });
  const send = (request: GuardRequest, onFailure: () => void) => {
    if (local || !ipc.send) return onFailure();
    try {
      ipc.send(request, undefined, undefined, (err) => {
        if (err) onFailure();
      });
    } catch {
      onFailure();
    }
  };
  const port: DeskPort = {
    request(key, answer) {
      const id = nextId++;
      let localTicket: { settle(outcome: SettledAs): void } | null = null;
      waiting.set(id, answer);
      send({ type: "gateway-sign-in-admit", id, key }, () => {
        if (!waiting.delete(id)) return;
        localTicket = useLocal().request(key, answer);
      });
      return {
        settle(outcome) {
          if (localTicket) localTicket.settle(outcome);
          else send({ type: "gateway-sign-in-settle", id, key, outcome }, () => {});
        },
      };
    },
    recordFailure(failure) {
      send({ type: "gateway-sign-in-failure", failure }, () => useLocal().recordFailure(failure));
    },
  };
  return createSignInGuard(port, async () => {
    await desk?.close();
  });
}

/**
 * The primary's side: one worker's attempts, asked of the host's desk. Attempts of a worker that
 * exits are settled as unchecked, and its waiting ones withdrawn.
 */
export function serveClusterSignIns(worker: Worker, desk: SignInDesk<string>): void {
  const started = new Map<number, string>();
  const waitingKeys = new Map<number, string>();
  worker.on("message", (m: unknown) => {
    if (!isRequest(m)) return;
    switch (m.type) {
      case "gateway-sign-in-admit":
        waitingKeys.set(m.id, m.key);
        desk.request(m.key, `${worker.id}:${m.id}`, (isAdmitted) => {
          waitingKeys.delete(m.id);
          if (isAdmitted) started.set(m.id, m.key);
          const answer: GuardAnswer = { type: "gateway-sign-in-answer", id: m.id, isAdmitted };
          if (worker.isConnected()) worker.send(answer);
        });
        return;
      case "gateway-sign-in-settle":
        if (started.delete(m.id)) desk.settle(m.key, m.outcome);
        return;
      case "gateway-sign-in-failure":
        desk.recordFailure(m.failure);
        return;
    }
  });
  worker.on("exit", () => {
    for (const [id, key] of waitingKeys) desk.withdraw(key, `${worker.id}:${id}`);
    for (const key of started.values()) desk.settle(key, "unchecked");
    waitingKeys.clear();
    started.clear();
  });
}
