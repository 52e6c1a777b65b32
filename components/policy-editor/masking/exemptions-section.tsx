"use client";

import clsx from "clsx";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useIsClient } from "@/components/ui/use-is-client";
import { useNow } from "@/components/ui/use-now";
import type { MaskingPolicy } from "@/lib/policy/policy-document";
import { fromDateTimeLocal, toDateTimeLocal } from "./datetime-local";
import { isExemptionExpired } from "./masking-draft";

type Exemption = MaskingPolicy["exemptions"][number];

type ExemptionsSectionProps = {
  masking: MaskingPolicy;
  onChange: (next: MaskingPolicy) => void;
  errors: Record<string, string>;
};

/** Groups whose sessions see values unmasked, each until its expiry, with the reason why. */
export function ExemptionsSection({ masking, onChange, errors }: ExemptionsSectionProps) {
  // Expiry is shown in the viewer's time zone and judged against the viewer's clock: client only.
  const isClient = useIsClient();
  const now = useNow(30_000);
  const exemptions = masking.exemptions;
  const setExemptions = (next: Exemption[]) => onChange({ ...masking, exemptions: next });
  return (
    <Card
      title="Exemptions"
      description="People in an exempt group get values unmasked from the gateway until the exemption expires. Recordings keep the masked values whatever the exemption, and the preview ignores exemptions."
    >
      {exemptions.length > 0 && (
        <ul aria-label="Exemptions" className="mb-4 space-y-2">
          {exemptions.map((e, i) => (
            <ExemptionRow
              key={i}
              exemption={e}
              path={`masking.exemptions.${i}`}
              isExpired={isClient && isExemptionExpired(e.expiresAt, now)}
              isClient={isClient}
              errors={errors}
              onChange={(next) => setExemptions(exemptions.map((x, j) => (j === i ? next : x)))}
              onRemove={() => setExemptions(exemptions.filter((_, j) => j !== i))}
            />
          ))}
        </ul>
      )}
      <AddExemptionForm onAdd={(e) => setExemptions([...exemptions, e])} />
    </Card>
  );
}

type ExemptionRowProps = {
  exemption: Exemption;
  path: string;
  isExpired: boolean;
  isClient: boolean;
  errors: Record<string, string>;
  onChange: (next: Exemption) => void;
  onRemove: () => void;
};

function ExemptionRow({ exemption, path, isExpired, isClient, errors, onChange, onRemove }: ExemptionRowProps) {
  const name = exemption.group.trim() || "(no group)";
  return (
    <li aria-label={`Exemption for ${name}`} className={clsx("rounded-md border border-slate-200 p-3", isExpired && "bg-slate-50 opacity-60")}>
      <div className="mb-2 flex items-center gap-2">
        <span className="text-sm font-medium text-slate-900">{name}</span>
        {isExpired ? <Badge>Expired</Badge> : exemption.expiresAt === null ? <Badge tone="warning">No expiry</Badge> : <Badge tone="success">Active</Badge>}
        <Button size="sm" variant="ghost" onClick={onRemove} aria-label={`Remove exemption for ${name}`} className="ml-auto text-red-700 hover:bg-red-50 hover:text-red-800">
          Remove
        </Button>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Group" error={errors[`${path}.group`]}>
          {(control) => <Input {...control} value={exemption.group} spellCheck={false} onChange={(e) => onChange({ ...exemption, group: e.target.value })} />}
        </Field>
        <ExpiryField
          value={exemption.expiresAt}
          isClient={isClient}
          error={errors[`${path}.expiresAt`]}
          onChange={(expiresAt) => onChange({ ...exemption, expiresAt })}
        />
        <Field label="Reason" error={errors[`${path}.reason`]} className="sm:col-span-2">
          {(control) => <Input {...control} value={exemption.reason} maxLength={300} onChange={(e) => onChange({ ...exemption, reason: e.target.value })} />}
        </Field>
      </div>
    </li>
  );
}

type ExpiryFieldProps = { value: string | null; isClient: boolean; error?: string; onChange: (next: string | null) => void };

/** A date and time in the viewer's zone, or "never"; a half-typed date keeps the last complete one. */
function ExpiryField({ value, isClient, error, onChange }: ExpiryFieldProps) {
  const isNever = value === null;
  return (
    <div className="space-y-1.5">
      <Field label="Expires" error={error}>
        {(control) => (
          <Input
            {...control}
            type="datetime-local"
            disabled={isNever}
            value={isClient ? toDateTimeLocal(value) : ""}
            onChange={(e) => {
              const next = fromDateTimeLocal(e.target.value);
              if (next) onChange(next);
            }}
          />
        )}
      </Field>
      <Checkbox label="Never expires" checked={isNever} onChange={(e) => onChange(e.target.checked ? null : new Date(Date.now() + 7 * 24 * 3600_000).toISOString())} />
    </div>
  );
}

/** A week from now, to the minute: exemptions should end, and a week is a sensible first guess. */
const inAWeek = () => toDateTimeLocal(new Date(Date.now() + 7 * 24 * 3600_000).toISOString());

function AddExemptionForm({ onAdd }: { onAdd: (e: Exemption) => void }) {
  const [isOpen, setOpen] = useState(false);
  const [group, setGroup] = useState("");
  const [expires, setExpires] = useState("");
  const [reason, setReason] = useState("");
  const [isTouched, setTouched] = useState(false);
  const groupError = isTouched && !group.trim() ? "Name the group, as the identity provider sends it." : undefined;
  const expiresError = isTouched && expires !== "" && !fromDateTimeLocal(expires) ? "Enter a date and time, or leave it empty for no expiry." : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!group.trim() || (expires !== "" && !fromDateTimeLocal(expires))) return;
    onAdd({ group: group.trim(), expiresAt: expires === "" ? null : fromDateTimeLocal(expires), reason: reason.trim() });
    setGroup("");
    setReason("");
    setTouched(false);
    setOpen(false);
  };

  if (!isOpen) {
    return (
      <Button
        size="sm"
        onClick={() => {
          setExpires(inAWeek());
          setOpen(true);
        }}
      >
        Add exemption
      </Button>
    );
  }
  return (
    <form aria-label="Add an exemption" onSubmit={submit} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Group" error={groupError}>
          {(control) => <Input {...control} autoFocus value={group} spellCheck={false} onChange={(e) => setGroup(e.target.value)} placeholder="e.g. fraud-analysts" />}
        </Field>
        <Field label="Expires" hint="Empty for no expiry." error={expiresError}>
          {(control) => <Input {...control} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <Field label="Reason" className="sm:col-span-2">
          {(control) => <Input {...control} value={reason} maxLength={300} onChange={(e) => setReason(e.target.value)} placeholder="Why they need to see the data" />}
        </Field>
      </div>
      <div className="flex justify-end gap-2">
        <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
        <Button size="sm" type="submit" variant="primary">
          Add exemption
        </Button>
      </div>
    </form>
  );
}
