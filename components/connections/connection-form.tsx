"use client";

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { ApiRequestError } from "@/lib/client/api";
import { useTestConnection } from "@/lib/client/connections";
import { SSL_MODES, type ConnectionDto } from "@/lib/shared/contracts/connections";
import { credentialExposureWarning, needsCaCertificate, SSL_MODE_HELP } from "@/lib/shared/upstream-credential";
import { describeUntestedSave, TEST_FIELDS, validateTestDraft, type ConnectionFormField, type ConnectionFormValues, type Validation } from "./connection-form-values";
import { GroupListPreview } from "./group-list-preview";
import { TestConnectionStatus } from "./test-connection-status";

/** Each mode in a few words, in the list itself; the hint below the list says more about the chosen one. */
const SSL_MODE_LABELS: Record<(typeof SSL_MODES)[number], string> = {
  disable: "no TLS",
  prefer: "TLS if offered, not verified",
  require: "TLS, not verified",
  "verify-ca": "TLS, CA checked",
  "verify-full": "TLS, CA and host checked",
};

type ConnectionFormProps<T> = {
  /** The saved connection when editing; absent when creating. */
  connection?: ConnectionDto;
  initialValues: ConnectionFormValues;
  /** The contract's zod schema for this mode, so the browser shows the server's own messages before it is asked. */
  validate: (values: ConnectionFormValues) => Validation<T>;
  onSubmit: (input: T) => void;
  submitLabel: string;
  isSubmitting: boolean;
  submitError: Error | null;
  /** Shown left of the submit button: a "Saved" note, a Cancel link. */
  extraActions?: ReactNode;
};

export function ConnectionForm<T>({ connection, initialValues, validate, onSubmit, submitLabel, isSubmitting, submitError, extraActions }: ConnectionFormProps<T>) {
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(initialValues);
  const [touched, setTouched] = useState<ReadonlySet<ConnectionFormField>>(new Set());
  const [isSubmitted, setSubmitted] = useState(false);
  // Server messages describe what was sent; once a field is edited its message no longer applies.
  const [editedSinceSubmit, setEditedSinceSubmit] = useState<ReadonlySet<ConnectionFormField>>(new Set());
  const [focusRequest, setFocusRequest] = useState(0);
  const test = useTestConnection();
  // A valid submit waiting for "Save anyway": the settings have no passing test.
  const [unconfirmed, setUnconfirmed] = useState<{ input: T; question: string } | null>(null);

  const clientErrors = validate(values).errors;
  const serverErrors = submitError instanceof ApiRequestError ? submitError.fieldErrors : {};
  const testErrors = test.error instanceof ApiRequestError ? test.error.fieldErrors : {};
  const errorFor = (field: ConnectionFormField): string | undefined =>
    ((isSubmitted || touched.has(field)) && clientErrors[field]) ||
    (!editedSinceSubmit.has(field) && serverErrors[field]) ||
    testErrors[field] ||
    undefined;

  // After a failed submit or test, take the keyboard to the first field that needs attention.
  useEffect(() => {
    if (focusRequest > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest]);

  const setField = <K extends ConnectionFormField>(field: K, value: ConnectionFormValues[K]) => {
    setValues((prev) => ({ ...prev, [field]: value }));
    setEditedSinceSubmit((prev) => new Set(prev).add(field));
    // A result for other settings would be misleading.
    if (TEST_FIELDS.includes(field)) test.reset();
  };
  const touch = (field: ConnectionFormField) => setTouched((prev) => (prev.has(field) ? prev : new Set(prev).add(field)));
  const textProps = (field: Exclude<ConnectionFormField, "clearPassword" | "sslmode" | "clearCaCertificate" | "allowMd5WithoutTls">) => ({
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
    // Editing a name or a description changes nothing about reaching the server: only new settings need a passing test.
    const isTargetEdited = !connection || TEST_FIELDS.some((field) => values[field] !== initialValues[field]);
    const question = describeUntestedSave({ result: test.data, requestError: test.error, isTargetEdited });
    if (question) return setUnconfirmed({ input: result.input, question });
    onSubmit(result.input);
  };

  const runTest = () => {
    const draft = validateTestDraft(values, connection?.id);
    if (!draft.isValid) {
      setTouched((prev) => new Set([...prev, ...TEST_FIELDS]));
      return setFocusRequest((n) => n + 1);
    }
    test.mutate(draft.input);
  };

  const hasStoredPassword = connection?.hasPassword ?? false;
  const hasStoredCa = connection?.hasCaCertificate ?? false;
  const exposure = credentialExposureWarning(values);
  return (
    <>
      <form ref={formRef} onSubmit={submit} noValidate className="space-y-8">
        <fieldset className="space-y-5">
          <legend className="mb-4 text-sm font-semibold text-slate-900">Server</legend>
          <Field label="Name" hint="Clients pass this as the database name." error={errorFor("name")}>
            {(control) => <Input {...control} {...textProps("name")} autoComplete="off" spellCheck={false} className="font-mono sm:max-w-md" />}
          </Field>
          <div className="grid gap-5 sm:grid-cols-[minmax(0,1fr)_8rem]">
            <Field label="Host" hint="Host name or IP address, without scheme or port." error={errorFor("host")}>
              {(control) => <Input {...control} {...textProps("host")} autoComplete="off" spellCheck={false} placeholder="db.internal.example.com" />}
            </Field>
            <Field label="Port" error={errorFor("port")}>
              {(control) => <Input {...control} {...textProps("port")} inputMode="numeric" autoComplete="off" />}
            </Field>
          </div>
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Database" hint="The database name on the server." error={errorFor("database")}>
              {(control) => <Input {...control} {...textProps("database")} autoComplete="off" spellCheck={false} />}
            </Field>
            <Field label="User" hint="The PostgreSQL role Warden connects as." error={errorFor("username")}>
              {(control) => <Input {...control} {...textProps("username")} autoComplete="off" spellCheck={false} />}
            </Field>
          </div>
          <div className="grid gap-5 sm:grid-cols-2">
            <div className="space-y-2">
              <Field
                label="Password"
                hint={hasStoredPassword ? "Type a new one to replace the stored password." : "Stored encrypted; it is never shown again."}
                error={errorFor("password")}
              >
                {(control) => (
                  <Input
                    {...control}
                    {...textProps("password")}
                    type="password"
                    autoComplete="new-password"
                    disabled={values.clearPassword}
                    placeholder={hasStoredPassword ? "•••••••• stored — leave empty to keep" : undefined}
                  />
                )}
              </Field>
              {hasStoredPassword && (
                // The label avoids the word "password" so the field above stays the only control labelled that way.
                <Checkbox
                  label="Remove the stored credential"
                  hint="Warden will connect without a password."
                  checked={values.clearPassword}
                  onChange={(e) => {
                    setField("clearPassword", e.target.checked);
                    if (e.target.checked) setField("password", "");
                  }}
                />
              )}
            </div>
            <Field label="SSL mode" hint={SSL_MODE_HELP[values.sslmode]} error={errorFor("sslmode")}>
              {(control) => (
                <Select {...control} name="sslmode" value={values.sslmode} onChange={(e) => setField("sslmode", e.target.value as ConnectionFormValues["sslmode"])}>
                  {SSL_MODES.map((mode) => (
                    <option key={mode} value={mode}>
                      {`${mode} — ${SSL_MODE_LABELS[mode]}`}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
          {(needsCaCertificate(values.sslmode) || hasStoredCa || values.caCertificate !== "") && (
            <div className="space-y-2">
              <Field
                label="CA certificate (PEM)"
                hint={
                  hasStoredCa
                    ? "A CA certificate is stored (it is never shown). Paste another to replace it, or leave empty to keep it."
                    : "The CA that signed the server's certificate (or the server's self-signed certificate). verify-ca and verify-full trust only this, not the system's list. Stored encrypted, never shown again."
                }
                error={errorFor("caCertificate")}
              >
                {(control) => (
                  <Textarea
                    {...control}
                    {...textProps("caCertificate")}
                    rows={4}
                    spellCheck={false}
                    disabled={values.clearCaCertificate}
                    className="font-mono text-xs"
                    placeholder={hasStoredCa ? "stored — leave empty to keep" : "-----BEGIN CERTIFICATE-----"}
                  />
                )}
              </Field>
              {hasStoredCa && (
                <Checkbox
                  label="Remove the stored CA certificate"
                  hint="Only possible with an sslmode that does not verify the server."
                  checked={values.clearCaCertificate}
                  onChange={(e) => {
                    setField("clearCaCertificate", e.target.checked);
                    if (e.target.checked) setField("caCertificate", "");
                  }}
                />
              )}
            </div>
          )}
          {(values.sslmode === "disable" || values.sslmode === "prefer" || values.allowMd5WithoutTls) && (
            <Checkbox
              label="Allow MD5 sign-in without TLS"
              hint="Off by default. Without TLS, an MD5 answer can be replayed by anyone who sees it. A cleartext password request is always refused without TLS."
              checked={values.allowMd5WithoutTls}
              onChange={(e) => setField("allowMd5WithoutTls", e.target.checked)}
            />
          )}
          {exposure && (
            <Alert tone="warning" title="The credential goes without verified TLS">
              {exposure} Choose verify-full with the server&apos;s CA certificate to close this.
            </Alert>
          )}
          <div className="space-y-3">
            <div className="flex flex-wrap items-center gap-3">
              <Button variant="secondary" onClick={runTest} isLoading={test.isPending}>
                Test connection
              </Button>
              <p className="text-xs text-slate-500">
                {connection ? "Uses the stored password unless you type a new one." : "Connects with the settings above; nothing is saved."}
              </p>
            </div>
            <div aria-live="polite">
              <TestConnectionStatus result={test.data} requestError={test.error} />
            </div>
          </div>
        </fieldset>

        {/* The rule sits on a wrapper: a border on the fieldset itself would run through its legend. */}
        <div className="border-t border-slate-100 pt-6">
          <fieldset className="space-y-5">
            <legend className="mb-4 text-sm font-semibold text-slate-900">Access</legend>
            <Field
              label="Allowed groups"
              hint="Identity-provider groups whose members may connect. Separate with commas or spaces."
              error={errorFor("allowedGroups")}
            >
              {(control) => (
                <div className="space-y-2">
                  <Input {...control} {...textProps("allowedGroups")} autoComplete="off" spellCheck={false} placeholder="developer, dba" />
                  <GroupListPreview text={values.allowedGroups} />
                </div>
              )}
            </Field>
            <Field label="Description" hint="Optional. What this database is, for the people choosing it." error={errorFor("description")}>
              {(control) => <Textarea {...control} {...textProps("description")} rows={3} />}
            </Field>
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
      {/* Outside the form: the dialog has a form of its own. */}
      <ConfirmDialog
        isOpen={unconfirmed !== null}
        title="Save without a passing test?"
        description={unconfirmed?.question}
        confirmLabel="Save anyway"
        onCancel={() => setUnconfirmed(null)}
        onConfirm={() => {
          if (unconfirmed) onSubmit(unconfirmed.input);
          setUnconfirmed(null);
        }}
      />
    </>
  );
}
