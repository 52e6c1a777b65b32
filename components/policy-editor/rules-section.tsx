"use client";

import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { describeMatch } from "@/lib/policy/describe-match";
import type { PolicyMatch } from "@/lib/policy/policy-document";
import { moveItem } from "./new-rules";
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
};

/** An ordered list of rules (the first that matches decides) with add, remove and reorder. */
export function RulesSection<R extends Rule>({ title, description, noun, rules, path, errors, onChange, create, renderFields }: RulesSectionProps<R>) {
  // Rules added in this visit open expanded, ready to fill in; saved ones start collapsed.
  const [addedIds, setAddedIds] = useState<Set<string>>(() => new Set());
  const add = () => {
    const rule = create();
    setAddedIds((prev) => new Set(prev).add(rule.id));
    onChange([...rules, rule]);
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
                position={index}
                count={rules.length}
                issueCount={countIssuesUnder(errors, `${path}.${index}`)}
                isInitiallyOpen={addedIds.has(rule.id)}
                onMove={(to) => onChange(moveItem(rules, index, to))}
                onRemove={() => onChange(rules.filter((_, i) => i !== index))}
              >
                {renderFields(rule, (next) => onChange(rules.map((r, i) => (i === index ? next : r))), `${path}.${index}`)}
              </RuleCard>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
