"use client";

import { useId, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import type { MatchAllRule } from "@/lib/policy/match-all-rules";
import { MatchAllConfirmation } from "./match-all-confirmation";

type SavePolicyDialogProps = {
  nextVersion: number;
  changeCount: number;
  isPending: boolean;
  error?: string;
  commentError?: string;
  /** Rules in the draft that match every statement: saving them needs the box ticked. */
  matchAllRules?: readonly MatchAllRule[];
  onSave: (comment: string, confirmMatchAll: boolean) => void;
  onCancel: () => void;
};

/**
 * Asks why before saving: the comment goes into the history and the audit log next to the diff.
 * A native modal <dialog>, like ConfirmDialog: focus is trapped, Escape cancels.
 */
export function SavePolicyDialog({ nextVersion, changeCount, isPending, error, commentError, matchAllRules = [], onSave, onCancel }: SavePolicyDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [comment, setComment] = useState("");
  const [isTouched, setTouched] = useState(false);
  const [isMatchAllConfirmed, setMatchAllConfirmed] = useState(false);
  const needsConfirmation = matchAllRules.length > 0 && !isMatchAllConfirmed;
  const localError = isTouched && !comment.trim() ? "Say what changed and why; it is shown in the history." : undefined;

  useLayoutEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (comment.trim() && !needsConfirmation && !isPending) onSave(comment.trim(), matchAllRules.length > 0);
  };
  const cancel = () => !isPending && onCancel();

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onCancel={(event) => isPending && event.preventDefault()}
      // Ignore a close already undone: in development React runs the mount effect twice, and the first
      // cleanup's close event arrives after showModal() opened the dialog again.
      onClose={() => !ref.current?.open && cancel()}
      className="fixed inset-0 m-auto h-fit w-full max-w-lg rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={submit} className="space-y-4 p-6">
        <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
          Save as version {nextVersion}
        </h2>
        <p className="text-sm text-slate-600">
          {changeCount === 1 ? "1 change" : `${changeCount} changes`}. Gateway workers reload the policy as soon as it is saved, for connections already open too.
        </p>
        <Field label="Comment" hint="Shown in the history and the audit log." error={localError ?? commentError}>
          {(control) => <Textarea {...control} autoFocus rows={3} value={comment} onChange={(e) => setComment(e.target.value)} onBlur={() => setTouched(true)} maxLength={500} />}
        </Field>
        <MatchAllConfirmation
          rules={matchAllRules}
          isConfirmed={isMatchAllConfirmed}
          onConfirmedChange={setMatchAllConfirmed}
          error={isTouched && needsConfirmation ? "Tick the box to save a rule that matches every statement, or cancel and give it a condition." : undefined}
        />
        {error && <Alert tone="danger">{error}</Alert>}
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={cancel} disabled={isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" isLoading={isPending}>
            Save version {nextVersion}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
