"use client";

import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import type { Guardrail } from "@/lib/policy/policy-document";
import { MatchFields } from "./match-fields";

type GuardrailFieldsProps = { rule: Guardrail; onChange: (next: Guardrail) => void; path: string; errors: Record<string, string> };

export function GuardrailFields({ rule, onChange, path, errors }: GuardrailFieldsProps) {
  return (
    <>
      <div className="grid items-end gap-4 sm:grid-cols-[1fr_auto]">
        <Field label="Name" error={errors[`${path}.name`]}>
          {(control) => <Input {...control} value={rule.name} onChange={(e) => onChange({ ...rule, name: e.target.value })} />}
        </Field>
        <Checkbox label="Enabled" checked={rule.isEnabled} onChange={(e) => onChange({ ...rule, isEnabled: e.target.checked })} className="pb-2" />
      </div>
      <MatchFields match={rule.match} onChange={(match) => onChange({ ...rule, match })} path={`${path}.match`} errors={errors} />
      <Field label="Message to the client" hint="The client gets it as the error message, so say what to do instead." error={errors[`${path}.message`]}>
        {(control) => <Textarea {...control} rows={2} value={rule.message} onChange={(e) => onChange({ ...rule, message: e.target.value })} />}
      </Field>
    </>
  );
}
