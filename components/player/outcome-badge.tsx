import clsx from "clsx";
import { OUTCOME_BADGE, OUTCOME_FILL, type Outcome } from "./statement-outcome";

/** A statement's outcome as a badge, in the timeline's colours. */
export function OutcomeBadge({ outcome, label, testId }: { outcome: Outcome; label: string; testId?: string }) {
  return (
    <span data-testid={testId} className={clsx("inline-flex items-center gap-1.5 rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", OUTCOME_BADGE[outcome])}>
      <OutcomeDot outcome={outcome} />
      {label}
    </span>
  );
}

export function OutcomeDot({ outcome }: { outcome: Outcome }) {
  return <span aria-hidden className={clsx("inline-block h-2 w-2 shrink-0 rounded-full", OUTCOME_FILL[outcome])} />;
}
