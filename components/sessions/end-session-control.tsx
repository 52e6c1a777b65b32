"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { useEndSession } from "@/lib/client/end-session";
import type { SessionDto } from "@/lib/shared/contracts/sessions";

/**
 * For admins on a live session: "End session…" asks for a reason (required), then the gateway closes
 * the session (the client reads 57P01 with the reason) and the player shows its end.
 */
export function EndSessionControl({ session }: { session: SessionDto }) {
  const [isOpen, setIsOpen] = useState(false);
  const end = useEndSession(session.id);
  const router = useRouter();
  const requested = end.data ?? (session.endRequestedAt ? session : null);

  // The gateway records the end within a moment; the page then shows the ended session.
  useEffect(() => {
    if (!end.isSuccess) return;
    const timer = setTimeout(() => router.refresh(), 1500);
    return () => clearTimeout(timer);
  }, [end.isSuccess, router]);

  if (session.endedAt) return null;
  return (
    <>
      <Alert
        tone={requested ? "warning" : "info"}
        title={requested ? "Ending this session" : "This session is live"}
        actions={
          <Button size="sm" variant="danger" onClick={() => setIsOpen(true)}>
            {requested ? "End again…" : "End session…"}
          </Button>
        }
        className="mb-5"
      >
        {requested ? `${requested.endRequestedBy} asked the gateway to end it: “${requested.endRequestReason}”.` : "As an admin you can end it; the client is disconnected with your reason."}
      </Alert>
      {isOpen && (
        <EndSessionDialog
          userName={session.userName}
          isPending={end.isPending}
          error={end.error?.message}
          onCancel={() => setIsOpen(false)}
          onConfirm={(reason) => end.mutate({ reason }, { onSuccess: () => setIsOpen(false) })}
        />
      )}
    </>
  );
}

type EndSessionDialogProps = { userName: string; isPending: boolean; error?: string; onCancel: () => void; onConfirm: (reason: string) => void };

/** A modal on the native <dialog> (focus trapped, Escape closes) with the required reason. */
function EndSessionDialog({ userName, isPending, error, onCancel, onConfirm }: EndSessionDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [reason, setReason] = useState("");
  useLayoutEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() && !isPending) onConfirm(reason.trim());
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby={`${id}-title`}
      onCancel={(event) => isPending && event.preventDefault()}
      onClose={() => !ref.current?.open && !isPending && onCancel()}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={submit} className="space-y-4 p-5">
        <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          End the session of {userName}?
        </h2>
        <p className="text-sm text-slate-600">The gateway disconnects the client at once, telling it your reason. Your name and reason are recorded with the session and in the audit log.</p>
        <div className="space-y-1.5">
          <label htmlFor={`${id}-reason`} className="block text-sm font-medium text-slate-800">
            Reason
          </label>
          <Textarea id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} autoFocus placeholder="Running an unreviewed bulk export" />
        </div>
        {error && <Alert tone="danger">{error}</Alert>}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={onCancel} disabled={isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" isLoading={isPending} disabled={!reason.trim()}>
            End session
          </Button>
        </div>
      </form>
    </dialog>
  );
}
