"use client";

import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { describeMatch } from "@/lib/policy/describe-match";
import type { PolicyMatch } from "@/lib/policy/policy-document";
import { enableOnFirstCondition, hasCondition, moveItem } from "./new-rules";
import { RuleCard } from "./rule-card";
import { countIssuesUnder } from "./use-policy-draft";

type Rule = { id: string; name: string; isEnabled: boolean; match: PolicyMatch };

type RulesSectionProps<R extends Rule> = {
  title: string;
  description: ReactNode;
  /** "Guardrail": names the rules, the Add button and the controls. */
  noun: string;
  rules: R[];
  /** JSON path of the list ("guardrails"). */
  path: string;
  errors: Record<string, string>;
  onChange: (next: R[]) => void;
  create: () => R;
  renderFields: (rule: R, onChange: (next: R) => void, path: string) => ReactNode;
  /** Warnings keyed by a rule's match path ("guardrails.0.match"): rules that match every statement. */
  matchAllWarnings?: Record<string, string>;
};

/** An ordered list of rules (the first that matches decides) with add, remove and reorder. */
export function RulesSection<R extends Rule>({ title, description, noun, rules, path, errors, onChange, create, renderFields, matchAllWarnings = {} }: RulesSectionProps<R>) {
  // Rules added in this visit open expanded, ready to fill in; saved ones start collapsed.
  const [addedIds, setAddedIds] = useState<Set<string>>(() => new Set());
  // New rules created off and without a condition (they match nothing) until their first condition switches them on.
  const [waitingIds, setWaitingIds] = useState<Set<string>>(() => new Set());
  const stopWaiting = (id: string) =>
    setWaitingIds((prev) => {
      const next = new Set(prev);
      next.delete(id);
      return next;
    });
  const add = () => {
    const rule = create();
    setAddedIds((prev) => new Set(prev).add(rule.id));
    if (!rule.isEnabled && !hasCondition(rule.match)) setWaitingIds((prev) => new Set(prev).add(rule.id));
    onChange([...rules, rule]);
  };
  const edit = (index: number, next: R) => {
    const before = rules[index]!;
    let after = next;
    if (waitingIds.has(before.id)) {
      after = before.isEnabled === next.isEnabled ? enableOnFirstCondition(before, next) : next;
      if (after.isEnabled !== before.isEnabled) stopWaiting(before.id);
    }
    onChange(rules.map((r, i) => (i === index ? after : r)));
  };
  const listError = errors[path];
  return (
    <Card
      title={title}
      description={description}
      actions={
        <Button size="sm" onClick={add}>
          Add {noun.toLowerCase()}
        </Button>
      }
    >
      {listError && (
        <p role="alert" className="mb-3 text-sm font-medium text-red-600">
          {listError}
        </p>
      )}
      {rules.length === 0 ? (
        <EmptyState title={`No ${noun.toLowerCase()}s`} description="Nothing here applies until you add one." />
      ) : (
        <ol aria-label={title} className="space-y-3">
          {rules.map((rule, index) => (
            <li key={rule.id}>
              <RuleCard
                noun={noun}
                name={rule.name}
                id={rule.id}
                summary={describeMatch(rule.match)}
                isEnabled={rule.isEnabled}
                isWaitingForCondition={waitingIds.has(rule.id) && !rule.isEnabled && !hasCondition(rule.match)}
                matchAllWarning={matchAllWarnings[`${path}.${index}.match`]}
                position={index}
                count={rules.length}
                issueCount={countIssuesUnder(errors, `${path}.${index}`)}
                isInitiallyOpen={addedIds.has(rule.id)}
                onMove={(to) => onChange(moveItem(rules, index, to))}
                onRemove={() => onChange(rules.filter((_, i) => i !== index))}
              >
                {renderFields(rule, (next) => edit(index, next), `${path}.${index}`)}
              </RuleCard>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
