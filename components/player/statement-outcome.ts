import type { StatementDecision, StatementStatus } from "@/lib/shared/contracts/sessions";

/** How the player colours a statement: ok green, error red, blocked orange, held and the rest amber, running blue. */
export type Outcome = "ok" | "error" | "blocked" | "held" | "running" | "other";

export type OutcomeInfo = { outcome: Outcome; label: string };

export function statementOutcome(s: { status: StatementStatus; decision: StatementDecision }): OutcomeInfo {
  switch (s.status) {
    case "ok":
      return { outcome: "ok", label: "ok" };
    case "error":
      return { outcome: "error", label: "error" };
    case "blocked":
      return { outcome: "blocked", label: "blocked" };
    case "running":
      // A held statement is recorded before the reviewer decides; until its outcome arrives it is waiting, not running.
      return s.decision === "hold" ? { outcome: "held", label: "held" } : { outcome: "running", label: "running" };
    default:
      // skipped (an earlier statement of the batch failed), suspended (portal paused), unknown (the session ended first)
      return { outcome: "other", label: s.status };
  }
}

/** Which colour wins when several statements share one bar of the timeline: trouble first. */
export const OUTCOME_SEVERITY: Record<Outcome, number> = { error: 5, blocked: 4, held: 3, running: 2, other: 1, ok: 0 };

/** Solid fills for bars and dots. */
export const OUTCOME_FILL: Record<Outcome, string> = {
  ok: "bg-emerald-500",
  error: "bg-red-500",
  blocked: "bg-orange-500",
  held: "bg-amber-400",
  running: "bg-blue-500",
  other: "bg-amber-400",
};

/** Light badges, in the kit's badge style. */
export const OUTCOME_BADGE: Record<Outcome, string> = {
  ok: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  error: "bg-red-50 text-red-700 ring-red-200",
  blocked: "bg-orange-50 text-orange-700 ring-orange-200",
  held: "bg-amber-50 text-amber-800 ring-amber-200",
  running: "bg-blue-50 text-blue-700 ring-blue-200",
  other: "bg-amber-50 text-amber-800 ring-amber-200",
};
