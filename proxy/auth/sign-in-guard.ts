import { countSignIn } from "../metrics/gateway-metrics";
import { clientAddressKey } from "./client-address-key";
import type { SignInFailure } from "./failure-digest";
import type { FailureReason } from "./sign-in-failure";
import type { SettledAs, SignInDesk } from "./sign-in-desk";

/** How a sign-in attempt ended, as its session tells the guard. */
export type AttemptOutcome =
  | { kind: "signed_in" }
  | { kind: "failed"; userName: string; database: string; reason: FailureReason }
  /** Ended before its credential was judged (the client left, the store was unreachable). */
  | { kind: "unchecked" };

/** One attempt: whether its credential may be checked now; `finish` once, whatever happened. */
export type SignInAttempt = { isAdmitted: boolean; finish(outcome: AttemptOutcome): void };

/**
 * The door every password passes before it is checked (the throttle), and where every refused
 * sign-in is counted for the audit trail (the digest). A worker asks the desk in its own process
 * (createLocalSignInGuard) or, under node:cluster, the primary's (cluster-sign-in-guard.ts), so an
 * address is throttled, and its failures summed, for the whole host.
 */
export type SignInGuard = {
  /** Resolves once the attempt may be checked, or is refused unchecked (the throttle). Never rejects. */
  admit(address: string): Promise<SignInAttempt>;
  close(): Promise<void>;
};

/** What a guard tells its desk, directly or over IPC: `request` returns how to settle that attempt once admitted. */
export type DeskPort = {
  request(key: string, answer: (isAdmitted: boolean) => void): { settle(outcome: SettledAs): void };
  recordFailure(f: SignInFailure): void;
};

/** A guard over a desk port: the attempt's bookkeeping, the same however the desk is reached. */
export function createSignInGuard(port: DeskPort, close: () => Promise<void>): SignInGuard {
  return {
    admit(address) {
      const key = clientAddressKey(address);
      return new Promise((resolve) => {
        const ticket = port.request(key, (isAdmitted) => {
          let isFinished = false;
          resolve({
            isAdmitted,
            finish(outcome) {
              if (isFinished) return;
              isFinished = true;
              countSignIn(outcome, isAdmitted);
              // A refused attempt was counted by the ledger when it was refused; only the digest hears of it.
              if (isAdmitted) ticket.settle(outcome.kind);
              if (outcome.kind === "failed") {
                port.recordFailure({ addressKey: key, address, userName: outcome.userName, database: outcome.database, reason: isAdmitted ? outcome.reason : "throttled", at: Date.now() });
              }
            },
          });
        });
      });
    },
    close,
  };
}

/** A port onto a desk in this process. */
export function localDeskPort(desk: SignInDesk<number>): DeskPort {
  let nextId = 1;
  return {
    request(key, answer) {
      desk.request(key, nextId++, answer);
      return { settle: (outcome) => desk.settle(key, outcome) };
    },
    recordFailure: (f) => desk.recordFailure(f),
  };
}

/** The desk in this process: the gateway runs as a single worker. */
export function createLocalSignInGuard(desk: SignInDesk<number>): SignInGuard {
  return createSignInGuard(localDeskPort(desk), () => desk.close());
}
