"use client";

import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { IntegerInput } from "@/components/ui/integer-input";
import { Select } from "@/components/ui/select";
import { AGENTS_READ_ONLY_RULE_ID, withAgentsReadOnly } from "@/lib/policy/is-session-read-only";
import type { PolicyDocument } from "@/lib/policy/policy-document";

type SettingsSectionProps = {
  draft: PolicyDocument;
  update: (recipe: (doc: PolicyDocument) => void) => void;
  errors: Record<string, string>;
};

/** The connection-wide settings: what happens to SQL that cannot be classified, access limits, recording caps. */
export function SettingsSection({ draft, update, errors }: SettingsSectionProps) {
  return (
    <div className="max-w-3xl space-y-5">
      <Card title="Unclassifiable statements" description="SQL that does not parse, or is too large to parse, is never passed through unchecked.">
        <Field
          label="When a statement cannot be classified"
          hint={draft.failClosed === "hold" ? "A reviewer sees the raw text and decides." : "The client gets an error; nothing runs."}
          error={errors.failClosed}
          className="max-w-sm"
        >
          {(control) => (
            <Select {...control} value={draft.failClosed} onChange={(e) => update((d) => void (d.failClosed = e.target.value as PolicyDocument["failClosed"]))}>
              <option value="block">Block it</option>
              <option value="hold">Hold it for a reviewer</option>
            </Select>
          )}
        </Field>
      </Card>
      <Card title="Access">
        <div className="space-y-4">
          <Checkbox
            label="Read-only"
            hint="Only reads pass; every write, schema change or permission change is blocked for everyone."
            checked={draft.access.isReadOnly}
            onChange={(e) => update((d) => void (d.access.isReadOnly = e.target.checked))}
          />
          <Checkbox
            label="Agents are read-only"
            hint="AI agents' sessions only read, held read-only by PostgreSQL too; people keep their access. Adds the guardrail “Agents only read”."
            checked={draft.guardrails.some((g) => g.id === AGENTS_READ_ONLY_RULE_ID && g.isEnabled)}
            onChange={(e) => update((d) => void (d.guardrails = withAgentsReadOnly(d.guardrails, e.target.checked)))}
          />
          <Field label="Row cap for agents" hint="Most rows one statement by an AI agent may return. Leave empty for no cap." error={errors["access.agentRowCap"]} className="max-w-xs">
            {(control) => <IntegerInput {...control} value={draft.access.agentRowCap} onChange={(v) => update((d) => void (d.access.agentRowCap = v))} placeholder="No cap" />}
          </Field>
        </div>
      </Card>
      <Card title="Recording" description="How much of each result is kept with the recorded statement (masked values only).">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Rows kept per result" hint="0 to 10,000" error={errors["recording.resultRowCap"]}>
            {(control) => <IntegerInput {...control} value={draft.recording.resultRowCap} onChange={(v) => update((d) => void (d.recording.resultRowCap = v as number))} />}
          </Field>
          <Field label="Bytes kept per result" hint="0 to 10,000,000" error={errors["recording.resultByteCap"]}>
            {(control) => <IntegerInput {...control} value={draft.recording.resultByteCap} onChange={(v) => update((d) => void (d.recording.resultByteCap = v as number))} />}
          </Field>
        </div>
      </Card>
    </div>
  );
}
