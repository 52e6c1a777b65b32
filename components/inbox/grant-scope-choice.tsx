"use client";

import { useId } from "react";
import type { GrantScope } from "@/lib/shared/contracts/approvals";

const CHOICES: { scope: GrantScope; label: string; explanation: string }[] = [
  {
    scope: "statement",
    label: "This exact statement",
    explanation: "The same SQL text, character for character, with the same parameter values. Any other value, literal, spacing or an added statement is held again.",
  },
  {
    scope: "fingerprint",
    label: "Every statement of this shape (fingerprint)",
    explanation: "The same statement with any literals and parameter values: for example every id, not just this one. Choose it only when any such value is fine.",
  },
];

/** What a grant covers: the exact statement by default; its whole shape only when the reviewer picks it. */
export function GrantScopeChoice({ value, onChange, disabled }: { value: GrantScope; onChange: (scope: GrantScope) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <fieldset className="w-full space-y-1.5 pl-6" disabled={disabled}>
      <legend className="mb-1 text-xs font-medium text-slate-600">
        The grant covers
      </legend>
      {CHOICES.map((c) => (
        <div key={c.scope} className="flex items-start gap-2">
          <input
            id={`${id}-${c.scope}`}
            type="radio"
            name={`${id}-grant-scope`}
            value={c.scope}
            checked={value === c.scope}
            onChange={() => onChange(c.scope)}
            aria-describedby={`${id}-${c.scope}-explanation`}
            className="mt-0.5 h-4 w-4 border-slate-300 accent-brand-600 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
          />
          <div>
            <label htmlFor={`${id}-${c.scope}`} className="font-medium text-slate-800">
              {c.label}
            </label>
            <p id={`${id}-${c.scope}-explanation`} className="text-xs text-slate-500">
              {c.explanation}
            </p>
          </div>
        </div>
      ))}
    </fieldset>
  );
}
