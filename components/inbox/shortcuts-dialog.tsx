"use client";

import { useId, useLayoutEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { INBOX_SHORTCUTS } from "./inbox-shortcuts";

/**
 * The inbox's keyboard shortcuts, on `?`: a modal on the native <dialog> (the browser traps focus and
 * closes it on Escape). Mounted only while open.
 */
export function ShortcutsDialog({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  return isOpen ? <OpenShortcutsDialog onClose={onClose} /> : null;
}

function OpenShortcutsDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  // Layout effect: close() must run before React removes the element, so the browser returns focus to the opener.
  useLayoutEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      // Ignore a close that is already undone (React's development double mount), as ConfirmDialog does.
      onClose={() => !ref.current?.open && onClose()}
      onClick={(event) => event.target === event.currentTarget && onClose()}
      className="fixed inset-0 m-auto h-fit w-[calc(100%-2rem)] max-w-md rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-6">
        <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
          Keyboard shortcuts
        </h2>
        <p className="text-sm text-slate-600">On the pending requests, whenever you are not typing in a field.</p>
        <dl className="divide-y divide-slate-100 text-sm">
          {INBOX_SHORTCUTS.map((s) => (
            <div key={s.key} className="flex items-center gap-4 py-2">
              <dt className="w-8 shrink-0">
                <kbd className="inline-grid min-w-7 place-items-center rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs font-semibold text-slate-800 shadow-xs">
                  {s.key}
                </kbd>
              </dt>
              <dd className="text-slate-700">{s.description}</dd>
            </div>
          ))}
        </dl>
        <div className="flex justify-end">
          <Button onClick={onClose} autoFocus>
            Close
          </Button>
        </div>
      </div>
    </dialog>
  );
}
