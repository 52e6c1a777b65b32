"use client";

import { Checkbox } from "@/components/ui/checkbox";
import type { MatchAllRule } from "@/lib/policy/match-all-rules";

const NOUNS: Record<MatchAllRule["list"], string> = { guardrails: "Guardrail", approvals: "Approval rule" };

type MatchAllConfirmationProps = {
  rules: readonly MatchAllRule[];
  isConfirmed: boolean;
  onConfirmedChange: (isConfirmed: boolean) => void;
  /** Shown when the admin tried to save without ticking the box. */
  error?: string;
};

/**
 * Inside a save or restore dialog: the rules that would match every statement, each with what that
 * means, and a box to tick to save anyway. The server refuses such a save without it, too.
 */
export function MatchAllConfirmation({ rules, isConfirmed, onConfirmedChange, error }: MatchAllConfirmationProps) {
  if (rules.length === 0) return null;
  return (
    <section aria-label="Rules that match every statement" className="space-y-3 rounded-md border border-red-200 bg-red-50 p-3">
      <ul className="space-y-2 text-sm text-red-900">
        {rules.map((rule) => (
          <li key={rule.path}>
            <span className="font-semibold">
              {NOUNS[rule.list]} “{rule.name}”:
            </span>{" "}
            {rule.message} Save anyway?
          </li>
        ))}
      </ul>
      <Checkbox
        label={rules.length === 1 ? "Save anyway: this rule is meant to match every statement" : "Save anyway: these rules are meant to match every statement"}
        checked={isConfirmed}
        onChange={(e) => onConfirmedChange(e.target.checked)}
      />
      {error && (
        <p role="alert" className="text-sm font-medium text-red-700">
          {error}
        </p>
      )}
    </section>
  );
}
