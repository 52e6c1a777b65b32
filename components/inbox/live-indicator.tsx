"use client";

import clsx from "clsx";
import { useApprovalsLiveStatus } from "./approvals-live";

const TEXT = { off: "Not live: refreshing every 30 s", connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" } as const;

/** Whether new requests arrive by themselves right now. */
export function LiveIndicator() {
  const status = useApprovalsLiveStatus();
  return (
    <span role="status" className="inline-flex items-center gap-1.5 text-xs font-medium text-slate-500">
      <span aria-hidden className={clsx("h-2 w-2 rounded-full", status === "live" ? "animate-pulse bg-emerald-500" : status === "off" ? "bg-slate-300" : "bg-amber-400")} />
      {TEXT[status]}
    </span>
  );
}
