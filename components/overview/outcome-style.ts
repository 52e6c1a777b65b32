import type { ActivityOutcome } from "@/lib/shared/contracts/overview";

/** Chart fills, matching the player's colours (components/player/statement-outcome.ts); masked is violet, a successful read with something hidden. */
export const OUTCOME_COLOR: Record<ActivityOutcome, string> = {
  ok: "#10b981",
  masked: "#8b5cf6",
  error: "#ef4444",
  blocked: "#f97316",
  held: "#fbbf24",
};

export const OUTCOME_LABEL: Record<ActivityOutcome, string> = { ok: "ok", masked: "masked", error: "error", blocked: "blocked", held: "held" };
