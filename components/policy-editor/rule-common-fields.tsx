"use client";

import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { PolicyMatch } from "@/lib/policy/policy-document";
import { MatchFields } from "./match-fields";

type CommonRule = { name: string; isEnabled: boolean; match: PolicyMatch };
type RuleCommonFieldsProps<R extends CommonRule> = { rule: R; onChange: (next: R) => void; path: string; errors: Record<string, string> };

/** What guardrails and approval rules share: a name, an on/off switch and what they match. */
export function RuleCommonFields<R extends CommonRule>({ rule, onChange, path, errors }: RuleCommonFieldsProps<R>) {
  return (
    <>
      <div className="grid items-end gap-4 sm:grid-cols-[1fr_auto]">
        <Field label="Name" error={errors[`${path}.name`]}>
          {(control) => <Input {...control} value={rule.name} onChange={(e) => onChange({ ...rule, name: e.target.value })} />}
        </Field>
        <Checkbox label="Enabled" checked={rule.isEnabled} onChange={(e) => onChange({ ...rule, isEnabled: e.target.checked })} className="pb-2" />
      </div>
      <MatchFields match={rule.match} onChange={(match) => onChange({ ...rule, match })} path={`${path}.match`} errors={errors} />
    </>
  );
}
