"use client";

import clsx from "clsx";
import { formatTimeLeft, isRunningOut } from "@/components/ui/format-time-left";
import { useIsClient } from "@/components/ui/use-is-client";

/**
 * A live countdown to a request's expiry. It reads the clock, so it renders only in the browser
 * (a server-rendered time would not hydrate). `now` comes from the parent, which also needs it.
 */
export function TimeLeft({ expiresAt, now }: { expiresAt: string; now: number }) {
  const isClient = useIsClient();
  if (!isClient) return null;
  const text = formatTimeLeft(expiresAt, now);
  return (
    <span role="timer" className={clsx("inline-flex items-baseline gap-1 text-sm whitespace-nowrap", isRunningOut(expiresAt, now) ? "font-semibold text-red-700" : "text-slate-600")}>
      <span className="text-xs text-slate-500">{text === "expired" ? "" : "Time left"}</span>
      <time dateTime={expiresAt} className="font-mono tabular-nums">
        {text === "expired" ? "Expired" : text}
      </time>
    </span>
  );
}
