"use client";

import { useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { Input } from "./input";

type ConfirmDialogProps = {
  isOpen: boolean;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /** For irreversible actions: the user must type this text (usually the object's name) before confirming. */
  confirmationText?: string;
  isPending?: boolean;
  error?: string;
  onConfirm: () => void;
  onCancel: () => void;
};

/**
 * A modal confirmation on the native <dialog>: the browser traps focus, makes the page inert and
 * closes on Escape. Its content is mounted only while open, so its controls never shadow the page's.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  return props.isOpen ? <OpenDialog {...props} /> : null;
}

function OpenDialog({ title, description, confirmLabel, confirmationText, isPending = false, error, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [typed, setTyped] = useState("");
  const canConfirm = !isPending && (confirmationText === undefined || typed.trim() === confirmationText);

  // Layout effect: close() must run before React removes the element, so the browser returns focus to the opener.
  useLayoutEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);

  const cancel = () => {
    if (!isPending) onCancel();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canConfirm) onConfirm();
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      // Escape: the browser closes the dialog (unless a request is in flight), then we report it.
      onCancel={(event) => isPending && event.preventDefault()}
      // Ignore a close that is already undone: in development React runs the mount effect twice, and the
      // first cleanup's close event arrives after showModal() has opened the dialog again.
      onClose={() => !ref.current?.open && cancel()}
      // A click on the backdrop lands on the <dialog> itself.
      onClick={(event) => event.target === event.currentTarget && cancel()}
      className="fixed inset-0 m-auto h-fit w-full max-w-md rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={submit} className="space-y-4 p-6">
        <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
          {title}
        </h2>
        <div id={`${id}-description`} className="text-sm text-slate-600">
          {description}
        </div>
        {confirmationText !== undefined && (
          <div className="space-y-1.5">
            <label htmlFor={`${id}-confirm`} className="block text-sm font-medium text-slate-800">
              Type <code className="rounded bg-slate-100 px-1 font-mono text-red-700">{confirmationText}</code> to confirm
            </label>
            <Input
              id={`${id}-confirm`}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              className="font-mono"
            />
          </div>
        )}
        {error && <Alert tone="danger">{error}</Alert>}
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={() => cancel()} disabled={isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={!canConfirm} isLoading={isPending}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
