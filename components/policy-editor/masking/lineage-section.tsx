"use client";

import { Card } from "@/components/ui/card";
import { CheckboxGroup, type CheckboxOption } from "@/components/ui/checkbox-group";
import { Field } from "@/components/ui/field";
import { formatDuration } from "@/components/ui/format-duration";
import { IntegerInput } from "@/components/ui/integer-input";
import { ListInput } from "@/components/ui/list-input";
import { Select } from "@/components/ui/select";
import {
  ACTOR_KIND_VALUES,
  DEFAULT_MASKING_LINEAGE,
  LINEAGE_UNDETERMINED_ACTIONS,
  MASKED_COPY_ACTIONS,
  MASKED_INFERENCE_ACTIONS,
  type MaskingPolicy,
} from "@/lib/policy/policy-document";
import { errorUnder } from "../use-policy-draft";
import { updateLineageOptions } from "./masking-draft";

type LineageSectionProps = {
  masking: MaskingPolicy;
  onChange: (next: MaskingPolicy) => void;
  errors: Record<string, string>;
};

const UNDETERMINED_LABELS: Record<(typeof LINEAGE_UNDETERMINED_ACTIONS)[number], string> = {
  mask: "Mask every column it cannot vouch for, in full",
  refuse: "Refuse the statement before it runs",
};
const COPY_LABELS: Record<(typeof MASKED_COPY_ACTIONS)[number], string> = {
  hold: "Hold for a reviewer",
  block: "Block",
  allow: "Allow",
};
const INFERENCE_LABELS: Record<(typeof MASKED_INFERENCE_ACTIONS)[number], string> = {
  off: "Off: allow them",
  hold: "Hold for a reviewer",
  block: "Block",
};
const ACTOR_OPTIONS: CheckboxOption<(typeof ACTOR_KIND_VALUES)[number]>[] = [
  { value: "human", label: "People" },
  { value: "agent", label: "AI agents" },
  { value: "service", label: "Services" },
];

const PATH = "masking.lineage";

/**
 * The policy's lineage options (masking.lineage): what the gateway does with a statement whose
 * result columns it cannot trace, with writes that copy masked values elsewhere, and with statements
 * that filter or sort on masked columns (inference); who reviews what is held.
 */
export function LineageSection({ masking, onChange, errors }: LineageSectionProps) {
  // A draft typed in as JSON may lack the section until it is parsed: show the defaults it gets.
  const lineage = masking.lineage ?? DEFAULT_MASKING_LINEAGE;
  const set = (change: Partial<MaskingPolicy["lineage"]>) => onChange(updateLineageOptions({ ...masking, lineage }, change));
  const timeout = Number.isFinite(lineage.timeoutSeconds) ? formatDuration(lineage.timeoutSeconds * 1000) : null;
  const isReviewed = lineage.copies === "hold" || lineage.inference === "hold";
  return (
    <Card
      title="Lineage"
      description="The gateway traces every result column to the table columns it is computed from (reverse(email) comes from email), and masks it with the type's mask for transformed values. These options say what happens when that is not enough."
    >
      <div className="space-y-5" role="group" aria-label="Lineage options">
        <Field
          label="When the sources cannot be determined"
          hint="An opaque function, dynamic SQL, a relation Warden cannot read. Never passed through."
          error={errors[`${PATH}.undetermined`]}
        >
          {(control) => (
            <Select {...control} value={lineage.undetermined} onChange={(e) => set({ undetermined: e.target.value as typeof lineage.undetermined })}>
              {LINEAGE_UNDETERMINED_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {UNDETERMINED_LABELS[a]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field
          label="Copies of masked data"
          hint="INSERT … SELECT, UPDATE … SET, CREATE TABLE AS, SELECT INTO, CREATE VIEW, COPY (query) TO: a write that moves masked values elsewhere, by anyone."
          error={errors[`${PATH}.copies`]}
        >
          {(control) => (
            <Select {...control} value={lineage.copies} onChange={(e) => set({ copies: e.target.value as typeof lineage.copies })}>
              {MASKED_COPY_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {COPY_LABELS[a]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="space-y-3">
          <Field
            label="Filters on masked columns (inference)"
            hint="WHERE email = '…', ORDER BY card_number, LIKE '4111%': a statement can learn a masked value without returning it."
            error={errors[`${PATH}.inference`]}
          >
            {(control) => (
              <Select {...control} value={lineage.inference} onChange={(e) => set({ inference: e.target.value as typeof lineage.inference })}>
                {MASKED_INFERENCE_ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {INFERENCE_LABELS[a]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {lineage.inference !== "off" && (
            <CheckboxGroup
              legend="For statements by"
              options={ACTOR_OPTIONS}
              value={lineage.inferenceActorKinds}
              onChange={(inferenceActorKinds) => set({ inferenceActorKinds })}
              error={errorUnder(errors, `${PATH}.inferenceActorKinds`)}
              columns={3}
            />
          )}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Reviewer groups"
            hint={isReviewed ? "Members of any of these decide held copies and filters." : "Used when copies or filters are held."}
            error={errorUnder(errors, `${PATH}.reviewerGroups`)}
          >
            {(control) => <ListInput {...control} value={lineage.reviewerGroups} onChange={(reviewerGroups) => set({ reviewerGroups })} placeholder="reviewer" />}
          </Field>
          <Field label="Review timeout (seconds)" hint={timeout ? `${timeout}; then the client gets an error.` : "10 seconds to 24 hours."} error={errors[`${PATH}.timeoutSeconds`]}>
            {/* The document holds a number; a box being retyped holds null until it is a whole number again. */}
            {(control) => <IntegerInput {...control} value={lineage.timeoutSeconds} onChange={(v) => set({ timeoutSeconds: v as number })} />}
          </Field>
        </div>
      </div>
    </Card>
  );
}
