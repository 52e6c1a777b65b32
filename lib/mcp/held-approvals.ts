import type { GatewayError, GatewaySession, HeldStatement, StatementResult } from "./gateway-session";
import { isGatewayError } from "./gateway-session";

/**
 * The statements this MCP session sent that the gateway held for approval. Each waits on its own
 * gateway session (the one it was sent on, handed over so the MCP session's next call opens a fresh
 * one); when a reviewer decides, the gateway runs it or refuses it, and its outcome is kept here for
 * `approval_status` and `wait_for_approval`. Kept in memory: they live as long as the MCP session.
 */

/** Who the held statement runs as (the subject), and who minted its token when that is someone else. */
export type HeldRequester = { subject: string; mintedBy: string | null };

export type ApprovalState =
  | { status: "pending"; requestId: string; sql: string; notice: string; requester: HeldRequester }
  | { status: "approved"; requestId: string; sql: string; result: StatementResult }
  | { status: "rejected"; requestId: string; sql: string; reviewer: string | null; comment: string; sqlState: string }
  | { status: "timed_out"; requestId: string; sql: string; message: string; sqlState: string }
  /** Approved, then failed when it ran (a constraint, a lock timeout), or the session was lost. */
  | { status: "failed"; requestId: string; sql: string; error: GatewayError };

export type PendingApproval = Extract<ApprovalState, { status: "pending" }>;

type Entry = { state: ApprovalState; settled: Promise<ApprovalState>; session: GatewaySession };

/** holdNotice's words when someone other than the subject minted the token. */
const MINTED = /It runs as (\S+), under a token minted by (\S+); neither may approve it\./;

/** The subject and minter the gateway's hold notice names; `userName` (this server's token's user) when it names none. */
export function heldRequesterOf(notice: string, userName: string): HeldRequester {
  const m = MINTED.exec(notice);
  return m ? { subject: m[1]!, mintedBy: m[2]! } : { subject: userName, mintedBy: null };
}

/** "Rejected by rita@example.com (approval request <id>): not on a Friday": decisionForOutcome's words. */
const REJECTED = /^Rejected by (.+?) \(approval request \S+\): ([\s\S]*)$/;

export class HeldApprovals {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly userName = "") {}

  /** Takes over a held statement and the session it waits on; the session closes once it settles. */
  add(sql: string, held: HeldStatement, session: GatewaySession): PendingApproval {
    const pending: PendingApproval = { status: "pending", requestId: held.requestId, sql, notice: held.notice, requester: heldRequesterOf(held.notice, this.userName) };
    const entry: Entry = { state: pending, session, settled: Promise.resolve(pending) };
    entry.settled = held.outcome
      .then((result): ApprovalState => ({ status: "approved", requestId: held.requestId, sql, result }), (err: unknown) => settledByError(held.requestId, sql, err))
      .then((state) => {
        entry.state = state;
        void session.close();
        return state;
      });
    this.entries.set(held.requestId, entry);
    return pending;
  }

  get(requestId: string): ApprovalState | undefined {
    return this.entries.get(requestId)?.state;
  }

  /** The state once it is decided, or still pending after `timeoutMs`. */
  async wait(requestId: string, timeoutMs: number): Promise<ApprovalState | undefined> {
    const entry = this.entries.get(requestId);
    if (!entry) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ApprovalState>((resolve) => {
      timer = setTimeout(() => resolve(entry.state), timeoutMs);
    });
    try {
      return await Promise.race([entry.settled, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the sessions still waiting: the gateway withdraws their requests (the client went away). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.session.close()));
  }
}

function settledByError(requestId: string, sql: string, err: unknown): ApprovalState {
  const error: GatewayError = isGatewayError(err) ? err : { sqlState: "XX000", message: String(err) };
  const rejected = REJECTED.exec(error.message);
  if (error.sqlState === "42501" && rejected) return { status: "rejected", requestId, sql, reviewer: rejected[1]!, comment: rejected[2]!, sqlState: error.sqlState };
  if (error.sqlState === "57014" && /approval timeout|was timed_out|was expired/.test(error.message)) return { status: "timed_out", requestId, sql, message: error.message, sqlState: error.sqlState };
  return { status: "failed", requestId, sql, error };
}
