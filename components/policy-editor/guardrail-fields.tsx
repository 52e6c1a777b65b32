"use client";

import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import type { Guardrail } from "@/lib/policy/policy-document";
import { RuleCommonFields } from "./rule-common-fields";

type GuardrailFieldsProps = { rule: Guardrail; onChange: (next: Guardrail) => void; path: string; errors: Record<string, string> };

export function GuardrailFields({ rule, onChange, path, errors }: GuardrailFieldsProps) {
  return (
    <>
      <RuleCommonFields rule={rule} onChange={onChange} path={path} errors={errors} />
      <Field label="Message to the client" hint="The client gets it as the error message, so say what to do instead." error={errors[`${path}.message`]}>
        {(control) => <Textarea {...control} rows={2} value={rule.message} onChange={(e) => onChange({ ...rule, message: e.target.value })} />}
      </Field>
    </>
  );
}
