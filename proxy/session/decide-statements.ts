import { FORWARD, type Decision, type FinalDecision, type GatewayHooks, type HoldDecision } from "../hooks/gateway-hooks";
import type { Logger } from "../log";
import { SqlState } from "../protocol/sql-state";
import type { StatementRun } from "./statement-run";

/** Refused before policy: an EXECUTE of a name the session does not have, a name past the cap. */
export type Refusal = { sqlState: string; message: string };

/** What deciding needs from the relay: the policy hook, and a say in the session's step while a statement is held. */
export type DecisionDeps = {
  hooks: GatewayHooks;
  log: Logger;
  isStopped(): boolean;
  /** A statement is held for approval: the client is told, and a cancel or the client leaving withdraws it. */
  onHold(hold: HoldDecision): void;
  onHoldEnded(): void;
  /** Tells the client, as written, a forwarded statement's notice (ForwardDecision.notice): Warden's own words. */
  notify(message: string): void;
  /** A statement refused after the session ended (withdrawn by the client leaving): record it anyway. */
  recordRefused(run: StatementRun): void;
};

/** An empty query string runs nothing: PostgreSQL answers EmptyQueryResponse. */
export const EMPTY_QUERY = "EmptyQuery";

/**
 * Judges the statements in order (a Query's, or the one an Execute runs) and resolves to the index
 * of the first refused one, or null. Synchronous when the policy answers at once; a hold waits for
 * the reviewers' outcome. A policy that throws refuses the statement (fail closed).
 */
export function decideStatements(runs: StatementRun[], refusals: (Refusal | null)[], deps: DecisionDeps, from = 0): number | null | Promise<number | null> {
  const hook = deps.hooks.decideStatement;
  for (let i = from; i < runs.length; i++) {
    const refusal = refusals[i];
    if (refusal) {
      runs[i].decide({ action: "block", ...refusal }, false, refusal.message);
      return i;
    }
    let d: Decision | Promise<Decision>;
    try {
      const isEmpty = runs[i].ctx.classification.command === EMPTY_QUERY && !runs[i].ctx.parseError;
      d = hook && !isEmpty ? hook(runs[i].ctx) : FORWARD;
    } catch (err) {
      d = policyFailure(deps.log, err);
    }
    if (d instanceof Promise || d.action === "hold") return decideLater(runs, refusals, deps, i, d);
    runs[i].decide(d, false);
    if (d.action === "forward" && d.notice) deps.notify(d.notice);
    if (d.action === "block") return i;
  }
  return null;
}

async function decideLater(runs: StatementRun[], refusals: (Refusal | null)[], deps: DecisionDeps, i: number, pending: Decision | Promise<Decision>): Promise<number | null> {
  let d: Decision;
  try {
    d = await pending;
  } catch (err) {
    d = policyFailure(deps.log, err);
  }
  let final: FinalDecision;
  let wasHeld = false;
  if (d.action === "hold") {
    wasHeld = true;
    if (deps.isStopped()) d.withdraw?.("disconnected");
    else deps.onHold(d);
    try {
      final = await d.outcome;
    } catch (err) {
      final = policyFailure(deps.log, err);
    }
    deps.onHoldEnded();
  } else {
    final = d;
  }
  // Decided before the stop check, so a statement withdrawn by the client leaving is recorded as refused.
  runs[i].decide(final, wasHeld);
  if (deps.isStopped()) {
    if (final.action === "block") deps.recordRefused(runs[i]);
    return i;
  }
  if (final.action === "block") return i;
  if (final.notice) deps.notify(final.notice);
  return decideStatements(runs, refusals, deps, i + 1);
}

function policyFailure(log: Logger, err: unknown): FinalDecision {
  log.error("policy hook failed; refusing the statement", { error: (err as Error)?.message });
  return { action: "block", sqlState: SqlState.InternalError, message: "Warden could not evaluate its policy for this statement, so it was not run." };
}
