"use client";

import { useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import { ApiRequestError } from "@/lib/client/api";
import { useRestorePolicyVersion } from "@/lib/client/policies";
import { findMatchAllRules } from "@/lib/policy/match-all-rules";
import type { PolicyVersionDto } from "@/lib/shared/contracts/policies";
import { MatchAllConfirmation } from "./match-all-confirmation";

type RestoreVersionDialogProps = {
  connectionId: string;
  /** The version whose document becomes the next version. */
  source: PolicyVersionDto;
  currentVersion: number;
  onRestored: (saved: PolicyVersionDto) => void;
  onCancel: () => void;
};

/**
 * Restores an earlier version as a new one, with an optional reason; history is kept as it is. Rules in
 * it that match every statement need the same confirmation as a save. A native modal <dialog>.
 */
export function RestoreVersionDialog({ connectionId, source, currentVersion, onRestored, onCancel }: RestoreVersionDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const restore = useRestorePolicyVersion(connectionId);
  const [reason, setReason] = useState("");
  const [isConfirmed, setConfirmed] = useState(false);
  const [isTouched, setTouched] = useState(false);
  const matchAll = useMemo(() => findMatchAllRules(source.document), [source.document]);
  const needsConfirmation = matchAll.length > 0 && !isConfirmed;
  const nextVersion = currentVersion + 1;

  useLayoutEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (needsConfirmation || restore.isPending) return;
    restore.mutate(
      { version: source.version, reason: reason.trim() || undefined, baseVersion: currentVersion, confirmMatchAll: matchAll.length > 0 },
      { onSuccess: onRestored },
    );
  };
  const cancel = () => !restore.isPending && onCancel();
  const serverError = restore.error instanceof ApiRequestError ? restore.error : null;

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onCancel={(event) => restore.isPending && event.preventDefault()}
      onClose={() => !ref.current?.open && cancel()}
      className="fixed inset-0 m-auto h-fit w-full max-w-lg rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={submit} className="space-y-4 p-6">
        <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
          Restore version {source.version} as version {nextVersion}
        </h2>
        <p className="text-sm text-slate-600">
          Version {source.version}&apos;s document is saved as version {nextVersion} and is in force at once; gateway workers reload it.{" "}
          {source.version + 1 === currentVersion ? `Version ${currentVersion} stays` : `Versions ${source.version + 1} to ${currentVersion} stay`} in the history. The comment says “Restored
          from version {source.version}”.
        </p>
        <Field label="Reason (optional)" hint="Added to the comment in the history and the audit log.">
          {(control) => <Textarea {...control} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={400} />}
        </Field>
        <MatchAllConfirmation
          rules={matchAll}
          isConfirmed={isConfirmed}
          onConfirmedChange={setConfirmed}
          error={isTouched && needsConfirmation ? "Tick the box to restore a rule that matches every statement." : undefined}
        />
        {restore.error && (
          <Alert tone="danger">
            {[restore.error.message, ...Object.entries(serverError?.fieldErrors ?? {}).map(([path, message]) => `${path}: ${message}`)].join(" ")}
          </Alert>
        )}
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={cancel} disabled={restore.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" isLoading={restore.isPending}>
            Restore version {source.version}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
