"use client";

import { formatDuration } from "@/components/ui/format-duration";
import { Field } from "@/components/ui/field";
import { IntegerInput } from "@/components/ui/integer-input";
import { ListInput } from "@/components/ui/list-input";
import type { BlastRadiusRule } from "@/lib/policy/policy-document";
import { RuleCommonFields } from "./rule-common-fields";
import { errorUnder } from "./use-policy-draft";

type BlastRadiusRuleFieldsProps = { rule: BlastRadiusRule; onChange: (next: BlastRadiusRule) => void; path: string; errors: Record<string, string> };

/** The share is kept as a fraction (0.2) in the document and edited as a whole percentage (20). */
export function shareToPercent(share: number | null): number | null {
  return share === null || !Number.isFinite(share) ? share : Math.round(share * 100);
}

export function percentToShare(percent: number | null): number | null {
  return percent === null || Number.isNaN(percent) ? percent : percent / 100;
}

/** A blast-radius limit: whom it applies to, how much of a table (or how many rows) a write may change, and who reviews past it. */
export function BlastRadiusRuleFields({ rule, onChange, path, errors }: BlastRadiusRuleFieldsProps) {
  // The document holds numbers; a box being retyped holds null or NaN until it is a whole number again.
  const set = (key: "maxRowShare" | "minRows" | "maxRows" | "minApprovals" | "timeoutSeconds", value: number | null) => onChange({ ...rule, [key]: value as number });
  const timeout = Number.isFinite(rule.timeoutSeconds) ? formatDuration(rule.timeoutSeconds * 1000) : null;
  return (
    <>
      <RuleCommonFields rule={rule} onChange={onChange} path={path} errors={errors} />
      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-slate-900">Limit</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Share of a table (%)" hint="Held when a write updates or deletes more than this share of a table's rows. Empty: no share limit." error={errors[`${path}.maxRowShare`]}>
            {(control) => <IntegerInput {...control} value={shareToPercent(rule.maxRowShare)} onChange={(v) => set("maxRowShare", percentToShare(v))} />}
          </Field>
          <Field label="Rows before the share counts" hint="A write that updates or deletes at most this many rows of a table is not held for its share." error={errors[`${path}.minRows`]}>
            {(control) => <IntegerInput {...control} value={rule.minRows} onChange={(v) => set("minRows", v)} />}
          </Field>
          <Field label="Most rows changed" hint="Held when a write inserts, updates and deletes more rows than this in all. Empty: no row limit." error={errors[`${path}.maxRows`]}>
            {(control) => <IntegerInput {...control} value={rule.maxRows} onChange={(v) => set("maxRows", v)} />}
          </Field>
        </div>
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-slate-900">Review</legend>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Reviewer groups" hint="Members of any of these see the counts and decide; nobody decides their own statement." error={errorUnder(errors, `${path}.reviewerGroups`)}>
            {(control) => <ListInput {...control} value={rule.reviewerGroups} onChange={(reviewerGroups) => onChange({ ...rule, reviewerGroups })} placeholder="reviewer, dba" />}
          </Field>
          <Field label="Approvals needed" hint="1 to 10; one rejection ends the request." error={errors[`${path}.minApprovals`]}>
            {(control) => <IntegerInput {...control} value={rule.minApprovals} onChange={(v) => set("minApprovals", v)} />}
          </Field>
          <Field label="Timeout (seconds)" hint={timeout ? `${timeout}; then the client gets an error (57014).` : "10 seconds to 24 hours."} error={errors[`${path}.timeoutSeconds`]}>
            {(control) => <IntegerInput {...control} value={rule.timeoutSeconds} onChange={(v) => set("timeoutSeconds", v)} />}
          </Field>
        </div>
      </fieldset>
    </>
  );
}
