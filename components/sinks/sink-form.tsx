"use client";

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { ApiRequestError } from "@/lib/client/api";
import { useTestSink } from "@/lib/client/sinks";
import { EVENT_SINK_KINDS, type EventSinkDto, type EventSinkKind } from "@/lib/shared/contracts/event-sinks";
import { EventTypesPreview } from "./event-types-preview";
import { EVENT_TYPE_EXAMPLES, SINK_TEST_FIELDS, validateSinkTestDraft, type SinkFormField, type SinkFormValues, type Validation } from "./sink-form-values";
import { SinkTestStatus } from "./sink-test-status";

const KIND_LABELS: Record<EventSinkKind, string> = {
  webhook: "Webhook — HTTPS POST, HMAC-SHA256 signed",
  file: "File — JSON lines, rotated by size",
  stdout: "Standard output — JSON lines for a log shipper",
};

type SinkFormProps<T> = {
  /** The saved sink when editing; absent when creating. */
  sink?: EventSinkDto;
  initialValues: SinkFormValues;
  /** The contract's zod schema for this mode, so the browser shows the server's own messages before it is asked. */
  validate: (values: SinkFormValues) => Validation<T>;
  onSubmit: (input: T) => void;
  submitLabel: string;
  isSubmitting: boolean;
  submitError: Error | null;
  extraActions?: ReactNode;
};

export function SinkForm<T>({ sink, initialValues, validate, onSubmit, submitLabel, isSubmitting, submitError, extraActions }: SinkFormProps<T>) {
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(initialValues);
  const [touched, setTouched] = useState<ReadonlySet<SinkFormField>>(new Set());
  const [isSubmitted, setSubmitted] = useState(false);
  // Server messages describe what was sent; once a field is edited its message no longer applies.
  const [editedSinceSubmit, setEditedSinceSubmit] = useState<ReadonlySet<SinkFormField>>(new Set());
  const [testProblems, setTestProblems] = useState<Partial<Record<string, string>>>({});
  const [focusRequest, setFocusRequest] = useState(0);
  const test = useTestSink();
  const isCreating = !sink;

  const clientErrors = validate(values).errors;
  const serverErrors = submitError instanceof ApiRequestError ? submitError.fieldErrors : {};
  const testErrors = test.error instanceof ApiRequestError ? test.error.fieldErrors : {};
  const errorFor = (field: SinkFormField): string | undefined =>
    ((isSubmitted || touched.has(field)) && clientErrors[field]) ||
    (!editedSinceSubmit.has(field) && serverErrors[field]) ||
    testProblems[field] ||
    testErrors[field] ||
    undefined;

  useEffect(() => {
    if (focusRequest > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const setField = <K extends SinkFormField>(field: K, value: SinkFormValues[K]) => {
    setValues((prev) => ({ ...prev, [field]: value }));
    setEditedSinceSubmit((prev) => new Set(prev).add(field));
    setTestProblems((prev) => (prev[field] ? { ...prev, [field]: undefined } : prev));
    // A result for another destination would be misleading.
    if (SINK_TEST_FIELDS.includes(field)) test.reset();
  };
  const touch = (field: SinkFormField) => setTouched((prev) => (prev.has(field) ? prev : new Set(prev).add(field)));
  const textProps = (field: "name" | "url" | "secret" | "filePath" | "maxFileMiB" | "maxFiles" | "eventTypes" | "maxAttempts") => ({
    name: field,
    value: values[field],
    onChange: (e: { target: { value: string } }) => setField(field, e.target.value),
    onBlur: () => touch(field),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setEditedSinceSubmit(new Set());
    const result = validate(values);
    if (!result.isValid) return setFocusRequest((n) => n + 1);
    onSubmit(result.input);
  };

  const runTest = () => {
    const draft = validateSinkTestDraft(values, sink?.id);
    setTestProblems(draft.errors);
    if (!draft.isValid) return setFocusRequest((n) => n + 1);
    test.mutate(draft.input);
  };

  const addExample = (example: string) => {
    const current = values.eventTypes.trim();
    setField("eventTypes", current ? `${current.replace(/,\s*$/, "")}, ${example}` : example);
  };

  const hasStoredSecret = sink?.hasSecret ?? false;
  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-8">
      <fieldset className="space-y-5">
        <legend className="mb-4 text-sm font-semibold text-slate-900">Destination</legend>
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Name" hint="Lowercase letters, digits, '-' or '_'. Shown in the console and the audit log." error={errorFor("name")}>
            {(control) => <Input {...control} {...textProps("name")} autoComplete="off" spellCheck={false} className="font-mono" placeholder="siem" />}
          </Field>
          <Field label="Kind" hint={isCreating ? undefined : "A sink's kind cannot change."} error={errorFor("kind")}>
            {(control) => (
              <Select {...control} name="kind" value={values.kind} disabled={!isCreating} onChange={(e) => setField("kind", e.target.value as EventSinkKind)}>
                {EVENT_SINK_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {KIND_LABELS[kind]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        </div>

        {values.kind === "webhook" && (
          <>
            <Field label="URL" hint="https:// (plain http only to localhost). Each request carries the event batch as JSON." error={errorFor("url")}>
              {(control) => <Input {...control} {...textProps("url")} type="url" autoComplete="off" spellCheck={false} placeholder="https://siem.example.com/warden" />}
            </Field>
            <Field
              label={
                <span className="inline-flex items-center gap-2">
                  Signing secret {hasStoredSecret && <Badge tone="success">set</Badge>}
                </span>
              }
              hint={
                hasStoredSecret
                  ? "A secret is set; it is never shown. Type a new one to replace it, or leave the box empty to keep it."
                  : "The receiver checks each request's HMAC-SHA256 with it. At least 16 characters; stored encrypted, never shown again."
              }
              error={errorFor("secret")}
            >
              {(control) => (
                <Input
                  {...control}
                  {...textProps("secret")}
                  type="password"
                  autoComplete="new-password"
                  placeholder={hasStoredSecret ? "•••••••• set — leave empty to keep" : undefined}
                />
              )}
            </Field>
          </>
        )}

        {values.kind === "file" && (
          <div className="grid gap-5 sm:grid-cols-[minmax(0,1fr)_8rem_8rem]">
            <Field label="File path" hint="An absolute path on the console's host; rotated files get .1, .2, …" error={errorFor("filePath")}>
              {(control) => <Input {...control} {...textProps("filePath")} autoComplete="off" spellCheck={false} className="font-mono" placeholder="/var/log/warden/events.jsonl" />}
            </Field>
            <Field label="Rotate at (MiB)" error={errorFor("maxFileMiB")}>
              {(control) => <Input {...control} {...textProps("maxFileMiB")} inputMode="numeric" autoComplete="off" />}
            </Field>
            <Field label="Files kept" error={errorFor("maxFiles")}>
              {(control) => <Input {...control} {...textProps("maxFiles")} inputMode="numeric" autoComplete="off" />}
            </Field>
          </div>
        )}

        {values.kind === "stdout" && <p className="text-sm text-slate-600">Each event is one JSON line on the console process&apos;s standard output.</p>}

        <div className="space-y-3">
          <div className="flex flex-wrap items-center gap-3">
            <Button variant="secondary" onClick={runTest} isLoading={test.isPending}>
              Send test event
            </Button>
            <p className="text-xs text-slate-500">
              {sink ? "Sends one test event to the destination above (with the stored secret unless you type a new one)." : "Sends one test event to the destination above; nothing is saved."}
            </p>
          </div>
          <div aria-live="polite">
            <SinkTestStatus result={test.data} requestError={test.error instanceof ApiRequestError && Object.keys(testErrors).length > 0 ? null : test.error} />
          </div>
        </div>
      </fieldset>

      <div className="border-t border-slate-100 pt-6">
        <fieldset className="space-y-5">
          <legend className="mb-4 text-sm font-semibold text-slate-900">Delivery</legend>
          <Field
            label="Event types"
            hint={
              <>
                Only these actions go out (separate with commas); a prefix ending in <code className="font-mono">.*</code> takes a family. Empty: every event.
                Events left out still move the sink&apos;s cursor.
              </>
            }
            error={errorFor("eventTypes")}
          >
            {(control) => (
              <div className="space-y-2">
                <Textarea {...control} {...textProps("eventTypes")} rows={2} spellCheck={false} className="font-mono text-xs" placeholder="gateway.statement, approval.*" />
                <EventTypesPreview text={values.eventTypes} />
              </div>
            )}
          </Field>
          <div className="flex flex-wrap items-center gap-1.5 text-xs text-slate-500">
            <span>Add:</span>
            {EVENT_TYPE_EXAMPLES.map((example) => (
              <button
                key={example}
                type="button"
                onClick={() => addExample(example)}
                className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700 hover:bg-slate-200 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
              >
                {example}
              </button>
            ))}
          </div>
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Attempts before dead" hint="Failed attempts in a row (with growing waits) before delivery stops until someone presses Retry." error={errorFor("maxAttempts")}>
              {(control) => <Input {...control} {...textProps("maxAttempts")} inputMode="numeric" autoComplete="off" className="sm:max-w-[8rem]" />}
            </Field>
            {isCreating && (
              <Field label="Start at" hint="The oldest event kept sends the whole trail first; now sends only what happens from here on." error={errorFor("startAt")}>
                {(control) => (
                  <Select {...control} name="startAt" value={values.startAt} onChange={(e) => setField("startAt", e.target.value as SinkFormValues["startAt"])}>
                    <option value="now">now — only new events</option>
                    <option value="oldest">the oldest event kept — backfill everything</option>
                  </Select>
                )}
              </Field>
            )}
          </div>
          <Checkbox
            label="Enabled"
            hint="Off, nothing is sent and the cursor stays where it is; on again, delivery resumes from there."
            checked={values.isEnabled}
            onChange={(e) => setField("isEnabled", e.target.checked)}
          />
        </fieldset>
      </div>

      {submitError && (
        <Alert tone="danger" title={submitError.message}>
          {Object.keys(serverErrors).length > 0 ? "Check the highlighted fields." : undefined}
        </Alert>
      )}
      <div className="flex items-center justify-end gap-3 border-t border-slate-100 pt-5">
        {extraActions}
        <Button type="submit" variant="primary" isLoading={isSubmitting}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
