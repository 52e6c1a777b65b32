"use client";

import clsx from "clsx";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

export type ToastTone = "success" | "error";
export type ToastInput = { tone: ToastTone; message: string };
type Toast = ToastInput & { id: number };

/** Long enough to read a sentence; an error stays a little longer, since it asks for something to be done. */
const DISMISS_AFTER_MS: Record<ToastTone, number> = { success: 5000, error: 8000 };
/** More than this at once is noise: the oldest goes. */
const MAX_TOASTS = 3;

const ToastContext = createContext<((toast: ToastInput) => void) | null>(null);

/**
 * Short notes that something happened ("Approved"), in one polite live region: a screen reader
 * reads each when it appears, without interrupting. Each goes by itself after a few seconds, or
 * with its close button. Mounted once for the console in components/providers.tsx.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const toast = useCallback((input: ToastInput) => {
    const id = nextId.current++;
    setToasts((shown) => [...shown, { ...input, id }].slice(-MAX_TOASTS));
  }, []);
  const dismiss = useCallback((id: number) => setToasts((shown) => shown.filter((t) => t.id !== id)), []);

  return (
    <ToastContext value={toast}>
      {children}
      <div
        role="region"
        aria-live="polite"
        aria-label="Notifications"
        className="pointer-events-none fixed inset-x-4 bottom-4 z-50 flex flex-col items-stretch gap-2 sm:inset-x-auto sm:right-6 sm:bottom-6 sm:w-96"
      >
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), DISMISS_AFTER_MS[toast.tone]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.tone, onDismiss]);
  return (
    <div
      data-tone={toast.tone}
      className={clsx(
        "pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg",
        toast.tone === "success" ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900",
      )}
    >
      <span aria-hidden className={clsx("mt-1.5 h-2 w-2 shrink-0 rounded-full", toast.tone === "success" ? "bg-emerald-500" : "bg-red-500")} />
      <p className="min-w-0 flex-1 break-words">{toast.message}</p>
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        aria-label="Dismiss notification"
        className="-m-1 rounded p-1 text-current opacity-60 hover:opacity-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
      >
        <svg viewBox="0 0 20 20" aria-hidden className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
          <path d="M5 5l10 10M15 5L5 15" />
        </svg>
      </button>
    </div>
  );
}

/** `toast({ tone: "success", message: "Approved." })`; needs a <ToastProvider> above. */
export function useToast(): { toast: (toast: ToastInput) => void } {
  const toast = useContext(ToastContext);
  if (!toast) throw new Error("useToast needs a <ToastProvider> above it (components/providers.tsx mounts one).");
  return useMemo(() => ({ toast }), [toast]);
}
