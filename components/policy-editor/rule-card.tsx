"use client";

import clsx from "clsx";
import { useId, useState, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

type RuleCardProps = {
  /** "Guardrail" or "Approval rule": for the controls' accessible names. */
  noun: string;
  name: string;
  id: string;
  summary: string;
  isEnabled: boolean;
  /** New, off, and without a condition: it matches nothing until one is set. */
  isWaitingForCondition?: boolean;
  /** Set when the rule matches every statement: said next to the rule, open or not. */
  matchAllWarning?: string;
  position: number;
  count: number;
  issueCount: number;
  isInitiallyOpen?: boolean;
  onMove: (to: number) => void;
  onRemove: () => void;
  children: ReactNode;
};

/**
 * One rule in a list: its name and what it matches in a line, and its fields behind a disclosure, so a
 * long policy still reads top to bottom in the order the gateway tries the rules.
 */
export function RuleCard({
  noun,
  name,
  id,
  summary,
  isEnabled,
  isWaitingForCondition = false,
  matchAllWarning,
  position,
  count,
  issueCount,
  isInitiallyOpen = false,
  onMove,
  onRemove,
  children,
}: RuleCardProps) {
  const [isOpen, setOpen] = useState(isInitiallyOpen);
  // The fields mount on first open and then stay (hidden when collapsed): a long policy does not
  // render every rule's forty controls up front, and a half-edited rule keeps its state.
  const [hasOpened, setHasOpened] = useState(isInitiallyOpen);
  const bodyId = useId();
  const label = `${noun} ${name.trim() || "(no name)"}`;
  return (
    <article aria-label={label} className={clsx("rounded-lg border bg-white shadow-xs", issueCount > 0 ? "border-red-300" : "border-slate-200")}>
      <header className="flex flex-wrap items-start gap-3 px-4 py-3">
        <span aria-hidden className="mt-0.5 grid h-6 w-6 shrink-0 place-items-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600 tabular-nums">
          {position + 1}
        </span>
        <button
          type="button"
          aria-expanded={isOpen}
          aria-controls={bodyId}
          onClick={() => {
            setOpen(!isOpen);
            setHasOpened(true);
          }}
          className="min-w-0 flex-1 rounded text-left focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
        >
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-medium text-slate-900">{name.trim() || <span className="text-slate-400 italic">No name</span>}</span>
            {isWaitingForCondition ? <Badge tone="brand">No condition yet</Badge> : !isEnabled && <Badge>Disabled</Badge>}
            {matchAllWarning && <Badge tone="danger">Matches every statement</Badge>}
            {issueCount > 0 && <Badge tone="danger">{issueCount === 1 ? "1 problem" : `${issueCount} problems`}</Badge>}
            <span aria-hidden className="text-xs text-slate-400">{isOpen ? "▾" : "▸"}</span>
          </span>
          <span className="mt-0.5 block text-sm text-slate-500">
            {isWaitingForCondition ? "Matches nothing until you set a condition under “Applies to”; setting one switches it on." : summary}
          </span>
        </button>
        <div className="flex shrink-0 items-center gap-1">
          <Button size="sm" variant="ghost" onClick={() => onMove(position - 1)} disabled={position === 0} aria-label={`Move ${label} up`}>
            <span aria-hidden>↑</span>
          </Button>
          <Button size="sm" variant="ghost" onClick={() => onMove(position + 1)} disabled={position === count - 1} aria-label={`Move ${label} down`}>
            <span aria-hidden>↓</span>
          </Button>
          <Button size="sm" variant="ghost" onClick={onRemove} aria-label={`Remove ${label}`} className="text-red-700 hover:bg-red-50 hover:text-red-800">
            Remove
          </Button>
        </div>
      </header>
      {matchAllWarning && (
        <p role="note" className="mx-4 mb-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {matchAllWarning} Saving it asks you to confirm.
        </p>
      )}
      <div id={bodyId} hidden={!isOpen} className="space-y-4 border-t border-slate-100 px-4 py-4">
        {hasOpened && (
          <>
            <p className="text-xs text-slate-500">
              Rule id <code className="font-mono text-slate-700">{id}</code> (approval requests and the audit log name rules by it)
            </p>
            {children}
          </>
        )}
      </div>
    </article>
  );
}
