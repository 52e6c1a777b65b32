"use client";

import { formatDuration } from "@/components/ui/format-duration";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { IntegerInput } from "@/components/ui/integer-input";
import { ListInput } from "@/components/ui/list-input";
import type { ApprovalRule } from "@/lib/policy/policy-document";
import { RuleCommonFields } from "./rule-common-fields";
import { errorUnder } from "./use-policy-draft";

type ApprovalRuleFieldsProps = { rule: ApprovalRule; onChange: (next: ApprovalRule) => void; path: string; errors: Record<string, string> };

export function ApprovalRuleFields({ rule, onChange, path, errors }: ApprovalRuleFieldsProps) {
  // The document holds numbers; a box being retyped holds null or NaN until it is a whole number again.
  const setNumber = (key: "minApprovals" | "timeoutSeconds", value: number | null) => onChange({ ...rule, [key]: value as number });
  const timeout = Number.isFinite(rule.timeoutSeconds) ? formatDuration(rule.timeoutSeconds * 1000) : null;
  return (
    <>
      <RuleCommonFields rule={rule} onChange={onChange} path={path} errors={errors} />
      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-slate-900">Review</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Reviewer groups" hint="Members of any of these may decide; nobody decides their own statement." error={errorUnder(errors, `${path}.reviewerGroups`)}>
            {(control) => <ListInput {...control} value={rule.reviewerGroups} onChange={(reviewerGroups) => onChange({ ...rule, reviewerGroups })} placeholder="reviewer, dba" />}
          </Field>
          <Field label="Approvals needed" hint="1 to 10; one rejection ends the request." error={errors[`${path}.minApprovals`]}>
            {(control) => <IntegerInput {...control} value={rule.minApprovals} onChange={(v) => setNumber("minApprovals", v)} />}
          </Field>
          <Field label="Timeout (seconds)" hint={timeout ? `${timeout}; then the client gets an error (57014).` : "10 seconds to 24 hours."} error={errors[`${path}.timeoutSeconds`]}>
            {(control) => <IntegerInput {...control} value={rule.timeoutSeconds} onChange={(v) => setNumber("timeoutSeconds", v)} />}
          </Field>
        </div>
        <Checkbox
          label="Allow time-boxed grants"
          hint="A reviewer may let the requester run the exact statement again (or, chosen explicitly, any statement of its shape) for a number of minutes, without waiting again."
          checked={rule.allowGrants}
          onChange={(e) => onChange({ ...rule, allowGrants: e.target.checked })}
        />
      </fieldset>
    </>
  );
}
