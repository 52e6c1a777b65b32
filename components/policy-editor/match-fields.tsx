"use client";

import { CheckboxGroup, type CheckboxOption } from "@/components/ui/checkbox-group";
import { Field } from "@/components/ui/field";
import { ListInput } from "@/components/ui/list-input";
import { ACTOR_KIND_VALUES, type PolicyMatch } from "@/lib/policy/policy-document";
import { FLAG_LABELS, STATEMENT_FLAGS } from "@/lib/policy/statement-flags";
import { STATEMENT_KINDS } from "@/lib/policy/statement-kind";
import { KIND_LABELS } from "@/lib/policy/statement-kind-labels";
import { errorUnder } from "./use-policy-draft";

const KIND_OPTIONS: CheckboxOption<(typeof STATEMENT_KINDS)[number]>[] = STATEMENT_KINDS.map((value) => ({ value, label: KIND_LABELS[value] }));
const FLAG_OPTIONS: CheckboxOption<(typeof STATEMENT_FLAGS)[number]>[] = STATEMENT_FLAGS.map((value) => ({ value, label: FLAG_LABELS[value] }));
const ACTOR_OPTIONS: CheckboxOption<(typeof ACTOR_KIND_VALUES)[number]>[] = [
  { value: "human", label: "People" },
  { value: "agent", label: "AI agents" },
  { value: "service", label: "Services" },
];

type MatchFieldsProps = {
  match: PolicyMatch;
  onChange: (next: PolicyMatch) => void;
  /** JSON path of this match ("guardrails.0.match"), to find its errors. */
  path: string;
  errors: Record<string, string>;
};

/**
 * What a rule applies to. Every criterion that is set must hold; an empty one matches anything, so an
 * emptied list is removed from the document rather than saved as [] (which reads the same, but noisier).
 */
export function MatchFields({ match, onChange, path, errors }: MatchFieldsProps) {
  const set = <K extends keyof PolicyMatch>(key: K, value: PolicyMatch[K]) => {
    const next = { ...match };
    if (value && value.length > 0) next[key] = value;
    else delete next[key];
    onChange(next);
  };
  const errorOf = (key: keyof PolicyMatch) => errorUnder(errors, `${path}.${key}`);
  return (
    <fieldset className="space-y-4 rounded-md border border-slate-200 bg-slate-50/60 p-4">
      <legend className="px-1 text-sm font-semibold text-slate-900">Applies to</legend>
      <p className="text-xs text-slate-500">Every criterion you set must hold; leave one empty to match anything. Within one criterion, any value matches.</p>
      <CheckboxGroup legend="Statement kinds" options={KIND_OPTIONS} value={match.kinds ?? []} onChange={(v) => set("kinds", v)} error={errorOf("kinds")} />
      <CheckboxGroup legend="Risk flags" options={FLAG_OPTIONS} value={match.flags ?? []} onChange={(v) => set("flags", v)} error={errorOf("flags")} />
      <CheckboxGroup legend="Who" options={ACTOR_OPTIONS} value={match.actorKinds ?? []} onChange={(v) => set("actorKinds", v)} error={errorOf("actorKinds")} columns={3} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Tables" hint="schema.table or table; * is a wildcard: public.*, *.payments" error={errorOf("relations")}>
          {(control) => <ListInput {...control} value={match.relations ?? []} onChange={(v) => set("relations", v)} placeholder="public.payments, audit.*" className="font-mono" />}
        </Field>
        <Field label="Agent names" hint="The token's agent name or the client's application_name; * is a wildcard" error={errorOf("agentNames")}>
          {(control) => <ListInput {...control} value={match.agentNames ?? []} onChange={(v) => set("agentNames", v)} placeholder="claude-code, cursor*" className="font-mono" />}
        </Field>
        <Field label="Groups" hint="The IdP groups of the person or token" error={errorOf("groups")}>
          {(control) => <ListInput {...control} value={match.groups ?? []} onChange={(v) => set("groups", v)} placeholder="contractors" />}
        </Field>
        <Field label="Application names" hint="The client's application_name; * is a wildcard" error={errorOf("applicationNames")}>
          {(control) => <ListInput {...control} value={match.applicationNames ?? []} onChange={(v) => set("applicationNames", v)} placeholder="psql, DBeaver*" className="font-mono" />}
        </Field>
      </div>
    </fieldset>
  );
}
